"""Every piece of UI text, in English and Korean, and the one function that picks the language.

Pages call ``t("key", **fields)``; the language comes from the sidebar switch (``LANG_KEY``), and
before the user chooses, from the browser's locale. Field names of the API come from
``ocr_core.fields``, not from here.
"""
from __future__ import annotations

from typing import Literal

import streamlit as st

Lang = Literal["en", "ko"]
LANGS: tuple[Lang, ...] = ("en", "ko")
LANG_KEY = "lang"
LANG_NAMES: dict[Lang, str] = {"en": "English", "ko": "한국어"}

_STRINGS: dict[str, tuple[str, str]] = {
    # app frame and navigation
    "app.title": ("Document OCR Studio", "Document OCR Studio"),
    "nav.analyse": ("Analyse", "분석"),
    "nav.verify": ("Verify & compare", "진위 확인 · 비교"),
    "nav.setup": ("Set-up", "설정"),
    "page.credit_card": ("Credit card", "신용카드"),
    "page.id_card": ("ID card", "신분증"),
    "page.stand_alone": ("Stand-alone ID", "신분증 (단독)"),
    "page.authenticity": ("Authenticity", "진위 확인"),
    "page.compare": ("Compare", "비교"),
    "page.settings": ("Settings", "설정"),
    # sidebar
    "side.language": ("Language / 언어", "Language / 언어"),
    "side.masking": ("Mask personal data", "개인정보 마스킹"),
    "side.masking_help": ("Masks card, resident, licence and passport numbers on screen, in the JSON "
                          "and in downloads, and blurs their regions in the image.",
                          "화면, JSON, 다운로드에서 카드·주민등록·면허·여권 번호를 가리고 이미지의 "
                          "해당 영역을 흐리게 합니다."),
    "side.masking_off": ("Masking is OFF: full numbers are on screen.",
                         "마스킹 해제됨: 전체 번호가 화면에 표시됩니다."),
    "side.backend_sandbox": ("SANDBOX", "SANDBOX (로컬)"),
    "side.backend_cloud": ("NHN CLOUD", "NHN CLOUD"),
    "side.sandbox_note": ("Local emulator on this server — no cloud calls, no charges.",
                          "이 서버의 로컬 에뮬레이터 — 클라우드 호출·요금 없음."),
    "side.cloud_note": ("Live NHN Cloud API — every analysis is billed.",
                        "실제 NHN Cloud API — 분석마다 요금이 부과됩니다."),
    "side.endpoint": ("Endpoint", "엔드포인트"),
    "side.api_version": ("API version", "API 버전"),
    "side.key_versions": ("Public-key versions", "공개 키 버전"),
    "side.no_keys": ("none fetched yet", "아직 받지 않음"),
    "side.unavailable": ("Backend not available: {reason}", "백엔드를 사용할 수 없습니다: {reason}"),
    # image input
    "img.heading": ("1 · Image", "1 · 이미지"),
    "img.source": ("Image source", "이미지 가져오기"),
    "img.src_upload": ("Upload", "업로드"),
    "img.src_camera": ("Camera", "카메라"),
    "img.src_gallery": ("Specimen gallery", "견본 갤러리"),
    "img.upload": ("Drop a JPEG or PNG here (max 20 MB)", "JPEG 또는 PNG 파일을 끌어 놓으세요 (최대 20MB)"),
    "img.camera": ("Take a photo of the document", "문서를 촬영하세요"),
    "img.camera_help": ("Fill the frame with the card, flat and level, without glare. The photo is "
                        "shown blurred while masking is on.",
                        "카드가 화면을 채우도록 평평하고 수평으로, 빛 반사 없이 촬영하세요. 마스킹 중에는 사진을 "
                        "흐리게 표시합니다."),
    "img.camera_https": ("This page is served over plain HTTP ({host}): browsers allow the camera only "
                         "over HTTPS or on localhost, so the camera will be refused. Upload a photo "
                         "instead, or serve the dashboard behind TLS (README, Security).",
                         "이 페이지는 일반 HTTP({host})로 제공됩니다. 브라우저는 HTTPS나 localhost에서만 "
                         "카메라를 허용하므로 카메라가 거부됩니다. 사진을 업로드하거나 대시보드를 TLS 뒤에서 "
                         "제공하세요 (README, Security)."),
    "img.specimen": ("Specimen", "견본"),
    "img.specimen_help": ("Synthetic documents with made-up people and numbers, safe to show.",
                          "가상의 인물과 번호로 만든 합성 문서라 시연에 안전합니다."),
    "img.pick": ("Choose a specimen…", "견본을 고르세요…"),
    "img.gallery": ("Specimen gallery", "견본 갤러리"),
    "img.gallery_chosen": ("Specimen gallery — {name}", "견본 갤러리 — {name}"),
    "img.gallery_hint": ("Click a specimen to use it — synthetic documents, safe to show; or pick one by name "
                         "below.",
                         "견본을 누르면 사용합니다 — 가상의 문서라 보여 줘도 안전합니다. 아래에서 이름으로 골라도 "
                         "됩니다."),
    "img.none": ("Choose an image to begin.", "이미지를 선택하면 시작합니다."),
    "img.loaded": ("{name}: {fmt} {w}×{h}, {size}", "{name}: {fmt} {w}×{h}, {size}"),
    "img.exif_rotated": ("Rotated upright from its EXIF orientation.", "EXIF 방향 정보대로 바로 세웠습니다."),
    "img.rejected": ("This image cannot be sent: {msg}", "이 이미지는 보낼 수 없습니다: {msg}"),
    "img.kind_clean": ("scan", "스캔"),
    "img.kind_photo": ("photo", "사진"),
    # quality
    "q.heading": ("2 · Pre-flight quality check", "2 · 전송 전 품질 점검"),
    "q.summary_pass": ("All checks pass.", "모든 점검을 통과했습니다."),
    "q.summary_warn": ("{n} warning(s): the API may still read it, but expect lower confidence.",
                       "경고 {n}건: 인식은 되겠지만 신뢰도가 낮을 수 있습니다."),
    "q.summary_fail": ("{n} check(s) failed: retake the photo or try preprocessing.",
                       "{n}개 점검 실패: 다시 촬영하거나 전처리를 사용해 보세요."),
    "q.check": ("Check", "점검"),
    "q.status": ("Result", "결과"),
    "q.value": ("Measured", "측정값"),
    "q.reason": ("Why", "이유"),
    "q.glare": ("Glare (magenta) and card boundary (green)", "빛 반사(자홍색)와 카드 경계(초록색)"),
    "q.softened": ("Preview softened while masking is on; turn masking off to inspect detail.",
                   "마스킹 중에는 미리 보기를 흐리게 표시합니다. 세부를 보려면 마스킹을 해제하세요."),
    "q.no_glare": ("No glare found.", "빛 반사가 없습니다."),
    "status.pass": ("pass", "통과"),
    "status.warn": ("warn", "경고"),
    "status.fail": ("fail", "실패"),
    # preprocessing
    "pre.heading": ("3 · Preprocessing (optional)", "3 · 전처리 (선택)"),
    "pre.enable": ("Preprocess before sending", "보내기 전에 전처리"),
    "pre.before": ("Before", "전"),
    "pre.after": ("After", "후"),
    "pre.steps": ("Steps applied: {steps}", "적용 단계: {steps}"),
    "pre.no_steps": ("No step changed the image.", "이미지를 바꾼 단계가 없습니다."),
    "pre.will_send": ("Will send: {fmt} {w}×{h}, {size}", "보낼 이미지: {fmt} {w}×{h}, {size}"),
    "pre.saving": ("{pct:.0f}% of the original size", "원본 크기의 {pct:.0f}%"),
    "pre.as_is": ("the file as uploaded, byte for byte (upright, no metadata, nothing after the image)",
                  "올린 파일 그대로 (방향 정상, 메타데이터 없음, 이미지 뒤 데이터 없음)"),
    "pre.reencoded": ("re-encoded as {how}, not sent as uploaded: {why}",
                      "올린 파일 대신 {how}(으)로 다시 인코딩: {why}"),
    "pre.how_png": ("lossless PNG", "무손실 PNG"),
    "pre.how_jpeg": ("JPEG quality {q}", "JPEG 품질 {q}"),
    "pre.why_upright": ("pixels turned upright as shown", "보이는 방향대로 픽셀을 회전"),
    "pre.why_metadata": ("metadata removed ({names})", "메타데이터 제거 ({names})"),
    "pre.why_trailing": ("{size} hidden after the image's end removed", "이미지 끝 뒤에 붙은 {size} 제거"),
    "pre.step.warp": ("card found and flattened", "카드 찾아 펴기"),
    "pre.step.deskew": ("deskewed", "기울기 보정"),
    "pre.step.resize": ("resized", "크기 조정"),
    "pre.step.denoise": ("denoised", "노이즈 제거"),
    "pre.step.clahe": ("contrast (CLAHE)", "대비 향상 (CLAHE)"),
    "pre.opt.warp": ("Find the card and flatten it", "카드를 찾아 평평하게 펴기"),
    "pre.opt.deskew": ("Deskew (small tilts, up to 30°)", "기울기 보정 (30° 이하의 작은 기울기)"),
    "pre.opt.turn": ("Turn clockwise", "시계 방향 회전"),
    "pre.opt.turn_help": ("For a card photographed on its side (90°, 270°) or upside down (180°): the "
                          "pre-flight Orientation check says when the card stands on its side.",
                          "옆으로(90°, 270°) 또는 거꾸로(180°) 촬영한 카드용입니다. 전송 전 점검의 방향 항목이 "
                          "카드가 세로로 서 있는지 알려 줍니다."),
    "pre.step.turn": ("turned", "회전"),
    "pre.enlarged": ("Enlarged to the API's recommended 760×480: this helps the size check, but adds no "
                     "detail — a closer photo does.",
                     "API 권장 크기 760×480으로 확대했습니다. 크기 기준은 맞추지만 세부는 늘지 않으니, 더 "
                     "가까이서 촬영하는 것이 좋습니다."),
    "pre.opt.denoise": ("Denoise", "노이즈 제거"),
    "pre.opt.clahe": ("Contrast (CLAHE)", "대비 향상 (CLAHE)"),
    "pre.opt.resize": ("Card width when flattened (small cards are enlarged to at least 760×480)",
                       "펼친 카드의 폭 (작은 카드는 최소 760×480으로 확대)"),
    "pre.opt.format": ("Re-encode as", "다시 인코딩할 형식"),
    "pre.opt.quality": ("JPEG quality", "JPEG 품질"),
    # analyse
    "an.heading": ("4 · Analyse", "4 · 분석"),
    "an.button": ("Analyse", "분석하기"),
    "an.running": ("Sending the sealed envelope to {host} and waiting for the answer…",
                   "{host}(으)로 전자 봉투를 보내고 응답을 기다리는 중…"),
    "an.cloud_cost": ("This call goes to NHN Cloud and is billed.", "이 호출은 NHN Cloud로 가며 요금이 부과됩니다."),
    "an.stale_rejected": ("The image changed and the new one was refused: the result below is for the "
                          "previous image ({name}), not for this one.",
                          "이미지가 바뀌었고 새 이미지는 거부되었습니다. 아래 결과는 이 이미지가 아니라 이전 "
                          "이미지({name})의 결과입니다."),
    "an.kept": ("Result for {name} (analysed at {at}), shown with the image it was made from. Choose an image "
                "to analyse another.",
                "{name}의 결과 ({at} 분석) — 분석한 이미지와 함께 표시합니다. 다른 이미지를 분석하려면 "
                "이미지를 고르세요."),
    "an.stale": ("The image changed since this result; analyse again to refresh.",
                 "이 결과 이후 이미지가 바뀌었습니다. 다시 분석하세요."),
    "an.standalone_note": ("Stand-alone analysis reads the same fields but gives **no Request-Key**, so "
                           "its result cannot be checked for authenticity — in exchange it costs less. "
                           "Use the ID card page when you need to verify authenticity.",
                           "단독 분석은 같은 항목을 읽지만 **Request-Key를 주지 않아** 진위 확인을 할 수 "
                           "없습니다. 대신 요금이 더 낮습니다. 진위 확인이 필요하면 신분증 페이지를 "
                           "사용하세요."),
    "an.credit_intro": ("Reads the card number and expiry date of a credit card.",
                        "신용카드의 카드 번호와 유효 기간을 인식합니다."),
    "an.id_intro": ("Reads a resident card, driver licence or passport. Resident cards and driver "
                    "licences come with a Request-Key for the authenticity check (valid one hour).",
                    "주민등록증, 운전면허증, 여권을 인식합니다. 주민등록증과 운전면허증은 진위 확인용 "
                    "Request-Key(1시간 유효)를 함께 받습니다."),
    # results
    "res.heading": ("5 · Result", "5 · 결과"),
    "res.overlay": ("What was read, where", "인식 위치와 내용"),
    "res.blurred": ("Personal regions (numbers, names, address, photo) are blurred while masking is on.",
                    "마스킹 중에는 개인정보 영역(번호, 이름, 주소, 사진)을 흐리게 표시합니다."),
    "res.confidence": ("Confidence per field", "항목별 신뢰도"),
    "res.threshold": ("Confidence threshold", "신뢰도 기준"),
    "res.flagged": ("Under the threshold: {fields}", "기준 미만: {fields}"),
    "res.none_flagged": ("Every field is at or above the threshold and every check passes.",
                         "모든 항목이 기준 이상이고 모든 검사를 통과했습니다."),
    "res.checks_failed": ("Failed check: {checks}", "검사 실패: {checks}"),
    "res.all_boxes": ("all text boxes", "모든 텍스트 영역"),
    "res.tab_kv": ("Key / Value", "Key / Value"),
    "res.tab_json": ("JSON", "JSON"),
    "res.tab_envelope": ("Envelope", "전자 봉투"),
    "res.tab_export": ("Export", "내보내기"),
    "res.view": ("Show", "보기"),
    "res.col_field": ("Field", "항목"),
    "res.col_key": ("Key", "Key"),
    "res.col_value": ("Value", "값"),
    "res.col_conf": ("Confidence", "신뢰도"),
    "res.col_checks": ("Checks", "검증"),
    "res.col_flag": ("Flag", "표시"),
    "res.checks": ("Validators", "검증 결과"),
    "res.no_checks": ("No validator applies to these fields.", "적용할 검증이 없습니다."),
    "res.api_resolution": ("API resolution verdict", "API 해상도 판정"),
    "res.our_resolution": ("Our measurement", "자체 측정"),
    "res.res_detail": ("image {w}×{h}{card}; recommended ≥ 760×480",
                       "이미지 {w}×{h}{card}; 권장 760×480 이상"),
    "res.card_size": (", card ≈ {w}×{h}", ", 카드 약 {w}×{h}"),
    "res.res_agree": ("The API and our measurement agree.", "API 판정과 자체 측정이 일치합니다."),
    "res.res_disagree": ("The API and our measurement disagree: the API may judge the document it found "
                         "rather than the whole image — compare the card's own size.",
                         "API 판정과 자체 측정이 다릅니다. API는 이미지 전체가 아니라 찾은 문서를 기준으로 "
                         "판정할 수 있으니 카드 자체의 크기를 비교해 보세요."),
    "res.id_type": ("Document type", "신분증 종류"),
    "val.resident": ("resident", "주민등록증 (resident)"),
    "val.driver": ("driver", "운전면허증 (driver)"),
    "val.passport": ("passport", "여권 (passport)"),
    "val.credit-card": ("credit-card", "신용카드 (credit-card)"),
    "val.normal": ("normal", "정상 (normal)"),
    "val.low": ("low", "낮음 (low)"),
    "res.json_masked": ("Decrypted answer, masked.", "복호화한 응답 (마스킹됨)."),
    "res.json_unmasked": ("Decrypted answer, unmasked.", "복호화한 응답 (마스킹 해제)."),
    "res.request_key": ("Request-Key issued", "발급된 Request-Key"),
    "res.no_request_key": ("No Request-Key: authenticity can only be checked for resident cards and "
                           "driver licences.",
                           "Request-Key 없음: 진위 확인은 주민등록증과 운전면허증만 가능합니다."),
    "res.verify": ("Verify authenticity →", "진위 확인 →"),
    "res.verify_help": ("Opens the authenticity page with this result and its Request-Key.",
                        "이 결과와 Request-Key로 진위 확인 페이지를 엽니다."),
    "res.truth_ok": ("Specimen truth: all {total} fields read correctly.",
                     "견본 정답: {total}개 항목 모두 정확히 읽었습니다."),
    "res.truth_wrong": ("Specimen truth: {n} of {total} fields read correctly; misread: {fields}.",
                        "견본 정답: {total}개 중 {n}개 정확; 오인식: {fields}."),
    # envelope
    "env.intro": ("How this call was sealed and opened. Key material is never shown.",
                  "이번 호출을 어떻게 봉인하고 열었는지 보여 줍니다. 키 자체는 표시하지 않습니다."),
    "env.step": ("Step", "단계"),
    "env.detail": ("Detail", "내용"),
    "env.ms": ("Time (ms)", "시간 (ms)"),
    "env.key_fetch": ("Public key", "공개 키"),
    "env.key_fetch_d": ("{service} key, version {version}", "{service} 키, 버전 {version}"),
    "env.encrypt": ("Seal", "봉인"),
    "env.encrypt_d": ("fresh 32-byte AES key, RSA-wrapped to {wrapped} bytes; image {image} → {cipher} "
                      "bytes AES-256-CBC ({encoding})",
                      "새 32바이트 AES 키를 RSA로 감싸 {wrapped}바이트; 이미지 {image} → {cipher}바이트 "
                      "AES-256-CBC ({encoding})"),
    "env.network": ("Network + server", "네트워크 + 서버"),
    "env.network_d": ("POST {path}", "POST {path}"),
    "env.decrypt": ("Open", "열기"),
    "env.decrypt_d": ("{n} field(s) decrypted: {fields}", "복호화한 항목 {n}개: {fields}"),
    "env.total": ("Total", "합계"),
    "env.timings": ("Where the time went", "소요 시간"),
    # downloads
    "dl.json": ("Download JSON", "JSON 다운로드"),
    "dl.csv": ("Download CSV", "CSV 다운로드"),
    "dl.masked_note": ("Downloads are masked.", "다운로드 파일은 마스킹됩니다."),
    "dl.unmask": ("Include full values in downloads (I am allowed to handle them)",
                  "다운로드에 전체 값 포함 (취급 권한이 있음)"),
    "dl.unmask_needs_off": ("Turn masking off in the sidebar to download full values.",
                            "전체 값을 내려받으려면 사이드바에서 마스킹을 해제하세요."),
    "dl.curl": ("The same request with curl (secrets as placeholders)",
                "같은 요청을 curl로 (비밀 값은 자리 표시자)"),
    # errors
    "err.api": ("The API refused the call: {code} {key}", "API가 요청을 거절했습니다: {code} {key}"),
    "err.what": ("What to do: {action}", "조치: {action}"),
    "err.transport": ("The connection to {host} failed or was cut off.", "{host}와(과)의 연결이 실패했거나 끊겼습니다."),
    "err.transport_connect": ("Could not connect to {host} (refused, unreachable or no answer to the "
                              "connection within seconds).",
                              "{host}에 연결할 수 없습니다 (거부, 도달 불가, 또는 몇 초 안에 연결 응답 없음)."),
    "err.transport_timeout": ("{host} accepted the connection but sent no answer in time (a proxy or "
                              "firewall that holds requests?).",
                              "{host}이(가) 연결은 받았지만 제시간에 응답하지 않았습니다 (요청을 붙잡는 "
                              "프록시나 방화벽?)."),
    "err.transport_not_billed": ("No analysis was sent, so nothing was billed.",
                                 "분석 요청은 보내지 않았으므로 요금이 부과되지 않았습니다."),
    "err.transport_action": ("Check the network and the endpoint in Settings, then try again.",
                             "네트워크와 설정의 엔드포인트를 확인한 뒤 다시 시도하세요."),
    "err.transport_maybe_billed": ("The request may have reached the server (and been billed); "
                                   "it was not repeated automatically.",
                                   "요청이 서버에 도달했을 수 있어(요금 부과 가능) 자동으로 다시 보내지 "
                                   "않았습니다."),
    "err.malformed": ("The server answered something that is not the API's JSON.",
                      "서버가 API 형식이 아닌 응답을 보냈습니다."),
    "err.malformed_action": ("Check the endpoint in Settings; if it is right, try again later.",
                             "설정의 엔드포인트를 확인하고, 맞다면 잠시 후 다시 시도하세요."),
    "err.envelope": ("The encrypted answer could not be opened.", "암호화된 응답을 열 수 없습니다."),
    "err.envelope_action": ("Try again; if it repeats, the public key may have rotated — test the "
                            "connection in Settings.",
                            "다시 시도하세요. 반복되면 공개 키가 바뀌었을 수 있으니 설정에서 연결을 "
                            "시험하세요."),
    "err.input": ("Nothing was sent: {msg}", "전송하지 않았습니다: {msg}"),
    "err.generic": ("Something went wrong on our side. Nothing personal was logged; please try again.",
                    "내부 오류가 발생했습니다. 개인정보는 기록되지 않았습니다. 다시 시도하세요."),
    # authenticity
    "au.intro": ("Checks a resident card or driver licence against the issuing authority. It needs the "
                 "Request-Key from an ID card analysis (valid for one hour, usable once).",
                 "주민등록증 또는 운전면허증을 발급 기관 정보와 대조합니다. 신분증 분석에서 받은 "
                 "Request-Key(1시간 유효, 1회 사용)가 필요합니다."),
    "au.request_key": ("Request-Key", "Request-Key"),
    "au.request_key_help": ("Paste the Request-Key of an ID card analysis, or come here with "
                            "“Verify authenticity” from the ID card page.",
                            "신분증 분석의 Request-Key를 붙여 넣거나 신분증 페이지의 “진위 확인”으로 "
                            "오세요."),
    "au.from_analysis": ("From the ID analysis of {when}", "{when} 신분증 분석 결과에서"),
    "au.valid_for": ("Request-Key valid for", "Request-Key 남은 시간"),
    "au.remaining": ("Valid for {mmss} more", "남은 시간 {mmss}"),
    "au.expired": ("Expired: analyse the ID card again for a new Request-Key.",
                   "만료됨: 새 Request-Key를 받으려면 신분증을 다시 분석하세요."),
    "au.spent": ("Used: an authenticity answer came back with this key, so it cannot be used again. "
                 "Analyse the ID card again for a new one.",
                 "사용됨: 이 키로 진위 확인 응답을 받았으므로 다시 쓸 수 없습니다. 신분증을 다시 "
                 "분석하세요."),
    "au.id_type": ("Document type", "신분증 종류"),
    "au.type.resident": ("Resident registration card", "주민등록증"),
    "au.type.driver": ("Driver licence", "운전면허증"),
    "au.optional": ("optional", "선택"),
    "au.fields": ("Fields to check", "확인할 항목"),
    "au.kept_hidden": ("From the analysis: {masked} (kept on the server; type to replace)",
                       "분석 결과: {masked} (서버에만 보관, 입력하면 대체)"),
    "au.invalid": ("Fix these before sending:", "보내기 전에 고치세요:"),
    "au.err.date_format": ("{field} must be a date written YYYYMMDD (8 digits).",
                           "{field}은(는) YYYYMMDD 형식의 날짜(숫자 8자리)여야 합니다."),
    "au.err.date_real": ("{field} is not a real calendar date (YYYYMMDD).",
                         "{field}이(가) 실제 달력에 없는 날짜입니다 (YYYYMMDD)."),
    "au.err.name": ("The name must not be empty (at most 100 characters).",
                    "이름을 입력하세요 (최대 100자)."),
    "au.err.rrn_resident": ("The resident registration number must be 13 digits.",
                            "주민등록번호는 숫자 13자리여야 합니다."),
    "au.err.rrn_driver": ("For a driver licence, the resident number is 7 digits: the first 6 and the first "
                          "digit of the back part.",
                          "운전면허증의 주민등록번호는 7자리입니다: 앞 6자리와 뒷자리 첫 숫자."),
    "au.err.licence": ("The driver's licence number must be 12 digits.", "운전면허번호는 숫자 12자리여야 합니다."),
    "au.err.serial": ("The serial number (security code) must be 5 or 6 letters or digits.",
                      "암호 일련번호는 영문자 또는 숫자 5~6자리여야 합니다."),
    "au.err.passport": ("The passport number must be 9 upper-case letters or digits.",
                        "여권 번호는 영문 대문자 또는 숫자 9자리여야 합니다."),
    "au.err.required": ("{field} is required ({id_type}).", "{id_type}에는 {field}이(가) 필요합니다."),
    "au.err.unused": ("{field} is not used ({id_type}).", "{id_type}에는 {field}을(를) 쓰지 않습니다."),
    "au.err.id_type": ("Choose a resident registration card or a driver licence.",
                       "주민등록증 또는 운전면허증을 고르세요."),
    "au.button": ("Verify authenticity", "진위 확인하기"),
    "au.genuine": ("GENUINE — the issuing authority's records match.", "진본 — 발급 기관 기록과 일치합니다."),
    "au.not_genuine": ("NOT CONFIRMED — the records do not match these details.",
                       "확인 불가 — 기록이 입력한 정보와 일치하지 않습니다."),
    "au.stale_verdict": ("The fields changed after the last check ({verdict}); that verdict was for the "
                         "values sent then. Check again to verify these.",
                         "마지막 확인({verdict}) 이후 항목이 바뀌었습니다. 그 판정은 당시 보낸 값에 대한 "
                         "것이니, 이 값을 확인하려면 다시 확인하세요."),
    "au.strikes": ("Resident cards: each wrong issue date counts toward a lock — after five, the card's "
                   "checks stay locked (4000123) until the holder lifts it.",
                   "주민등록증: 잘못된 발급 일자는 매번 누적되며, 다섯 번이 되면 소지자가 해제할 때까지 "
                   "확인이 잠깁니다 (4000123)."),
    "au.codes": ("What the authenticity errors mean", "진위 확인 오류 설명"),
    "au.code_122": ("**4000122 — Request-Key invalid or expired.** The key is older than one hour, was "
                    "already used for an answered check, or was never issued for this appKey. Analyse the "
                    "ID card again on the ID card page to get a new key.",
                    "**4000122 — Request-Key가 잘못되었거나 만료됨.** 발급 후 1시간이 지났거나, 이미 "
                    "응답을 받은 확인에 사용했거나, 이 appKey로 발급된 키가 아닙니다. 신분증 페이지에서 "
                    "다시 분석해 새 키를 받으세요."),
    "au.code_123": ("**4000123 — Resident-card check locked.** Five wrong issue dates lock the "
                    "resident-card check for this card. Check the issue date printed on the card; the "
                    "lock is lifted only by the card holder through the government service.",
                    "**4000123 — 주민등록증 진위 확인 잠김.** 발급 일자를 5회 틀리면 이 카드의 진위 "
                    "확인이 잠깁니다. 카드에 인쇄된 발급 일자를 확인하세요. 잠김은 본인이 정부 "
                    "서비스를 통해서만 풀 수 있습니다."),
    "au.no_key": ("Enter a Request-Key first.", "먼저 Request-Key를 입력하세요."),
    "au.passport_note": ("Passport authenticity was withdrawn by the vendor on 2026-05-27.",
                         "여권 진위 확인은 2026-05-27에 제공이 중단되었습니다."),
    # compare
    "cmp.intro": ("Two images of one document analysed together — two photos, or one photo raw and "
                  "preprocessed — to see which reads better and why.",
                  "한 문서의 이미지 두 장(사진 두 장, 또는 원본과 전처리본)을 함께 분석해 어느 쪽이 "
                  "더 잘 읽히는지, 왜 그런지 봅니다."),
    "cmp.mode": ("Compare", "비교 방식"),
    "cmp.mode_two": ("Two images", "이미지 두 장"),
    "cmp.mode_pre": ("One image: raw vs preprocessed", "한 장: 원본 대 전처리"),
    "cmp.service": ("Document", "문서"),
    "cmp.svc_card": ("Credit card", "신용카드"),
    "cmp.svc_id": ("ID card (stand-alone, no Request-Key)", "신분증 (단독, Request-Key 없음)"),
    "cmp.a": ("A", "A"),
    "cmp.b": ("B", "B"),
    "cmp.raw": ("A · raw", "A · 원본"),
    "cmp.pre": ("B · preprocessed", "B · 전처리"),
    "cmp.button": ("Analyse both", "둘 다 분석"),
    "cmp.need_two": ("Choose both images first.", "먼저 두 이미지를 모두 고르세요."),
    "cmp.fields": ("Field by field", "항목별 비교"),
    "cmp.delta": ("Δ conf (B−A)", "신뢰도 차 (B−A)"),
    "cmp.same": ("Same value", "값 일치"),
    "cmp.differs": ("{n} field(s) differ between A and B.", "A와 B의 값이 다른 항목 {n}개."),
    "cmp.all_same": ("A and B read the same values.", "A와 B의 값이 모두 같습니다."),
    "cmp.same_but_low": ("A and B read the same values, but {side} has fields under the threshold: {fields}.",
                         "A와 B의 값은 같지만 {side}에 기준 미만 항목이 있습니다: {fields}."),
    "cmp.same_but_failed": ("A and B read the same values, but {side} fails a check: {checks}.",
                            "A와 B의 값은 같지만 {side}가 검사에 실패했습니다: {checks}."),
    "cmp.image_px": ("Image (px)", "이미지 (픽셀)"),
    "cmp.card_px": ("Card (px)", "카드 (픽셀)"),
    "cmp.quality": ("Quality checks", "품질 점검"),
    "cmp.resolution": ("Resolution verdicts", "해상도 판정"),
    "cmp.failed": ("{side} could not be analysed.", "{side}를 분석하지 못했습니다."),
    # settings
    "set.backend": ("Backend", "백엔드"),
    "set.backend_sandbox": ("Embedded sandbox (local, free)", "내장 샌드박스 (로컬, 무료)"),
    "set.backend_cloud": ("NHN Cloud (live, billed)", "NHN Cloud (실제, 과금)"),
    "set.credentials": ("Credentials", "자격 증명"),
    "set.configured": ("configured ✓", "설정됨 ✓"),
    "set.not_configured": ("not configured ✗", "설정 안 됨 ✗"),
    "set.cred_help": ("Credentials are read only from `.streamlit/secrets.toml` (section `[nhn_ocr]`: "
                      "`app_key`, `secret_key`, and for v2.1 `uak_id`, `uak_secret`) or from the "
                      "environment (`NHN_OCR_APPKEY`, `NHN_OCR_SECRETKEY`, `NHN_OCR_UAK_ID`, "
                      "`NHN_OCR_UAK_SECRET`). They are never shown or sent to the browser.",
                      "자격 증명은 `.streamlit/secrets.toml`(`[nhn_ocr]` 섹션: `app_key`, `secret_key`, "
                      "v2.1은 `uak_id`, `uak_secret`) 또는 환경 변수(`NHN_OCR_APPKEY`, "
                      "`NHN_OCR_SECRETKEY`, `NHN_OCR_UAK_ID`, `NHN_OCR_UAK_SECRET`)에서만 읽습니다. "
                      "화면에 표시하거나 브라우저로 보내지 않습니다."),
    "set.cloud_needs_creds": ("NHN Cloud needs credentials; staying on the sandbox until they are "
                              "configured.",
                              "NHN Cloud에는 자격 증명이 필요합니다. 설정될 때까지 샌드박스를 사용합니다."),
    "set.endpoint": ("Endpoint", "엔드포인트"),
    "set.ep_current": ("Current", "현재"),
    "set.ep_legacy": ("Legacy (until 2027-07-31)", "구 버전 (2027-07-31까지)"),
    "set.api_version": ("API version", "API 버전"),
    "set.v20": ("v2.0 — secret key header", "v2.0 — 보안 키 헤더"),
    "set.v21": ("v2.1 — bearer token", "v2.1 — 베어러 토큰"),
    "set.encoding": ("Image part encoding", "이미지 파트 인코딩"),
    "set.enc_raw": ("Raw ciphertext bytes", "암호문 바이트 그대로"),
    "set.enc_b64": ("Base64 text", "Base64 텍스트"),
    "set.presenter": ("Presenter view (large type, JSON hidden)", "발표자 보기 (큰 글씨, JSON 숨김)"),
    "set.test": ("Test connection", "연결 시험"),
    "set.test_ok": ("Connected to {backend} at {host}: {service} public key version {version} (result code 0, "
                    "SUCCESS).",
                    "{backend}({host})에 연결됨: {service} 공개 키 버전 {version} (결과 코드 0, SUCCESS)."),
    "set.testing": ("Testing {backend} at {host}: fetching the public keys (free calls)…",
                    "{backend}({host}) 시험 중: 공개 키를 받는 중 (무료 호출)…"),
    "set.test_not_run": ("Not tested: NHN Cloud {version} has no credentials configured ({needs}). Analyses "
                         "use the sandbox until they are; nothing was sent to NHN Cloud.",
                         "시험하지 않음: NHN Cloud {version}의 자격 증명이 설정되지 않았습니다 ({needs}). "
                         "설정될 때까지 분석은 샌드박스를 사용하며, NHN Cloud로는 아무것도 보내지 않았습니다."),
    "set.needs_v20": ("app key and secret key", "앱 키와 비밀 키"),
    "set.needs_v21": ("app key and User Access Key ID and secret", "앱 키와 User Access Key ID·비밀 키"),
    "set.test_skipped": ("{service}: not tried — the same host did not answer for {first}.",
                         "{service}: 시도하지 않음 — 같은 호스트가 {first}에 응답하지 않았습니다."),
    "set.test_fail": ("{service}: {detail}", "{service}: {detail}"),
    "set.connection": ("Connection", "연결"),
    "set.display": ("Display", "표시"),
    # quotas and audit
    "err.quota_user_daily": ("Not sent: your daily quota of {limit} billed {kind} calls on NHN Cloud is used up.",
                             "보내지 않았습니다: NHN Cloud 유료 {kind} 호출의 오늘 한도({limit}회)를 모두 "
                             "사용했습니다."),
    "err.quota_monthly": ("Not sent: this deployment's monthly quota of {limit} billed {kind} calls on NHN "
                          "Cloud is used up.",
                          "보내지 않았습니다: 이 서비스의 NHN Cloud 유료 {kind} 호출 월 한도({limit}회)를 "
                          "모두 사용했습니다."),
    "err.quota_action": ("Nothing was sent or billed. Use the sandbox, or ask an admin to raise the quota.",
                         "아무것도 보내거나 과금하지 않았습니다. 샌드박스를 쓰거나 관리자에게 한도 "
                         "조정을 요청하세요."),
    "err.quota_kind_analysis": ("analysis", "분석"),
    "err.quota_kind_stand_alone": ("stand-alone", "단독 분석"),
    "acc.quota_line": ("NHN Cloud {kind}: {used} of {limit} today", "NHN Cloud {kind}: 오늘 {used}/{limit}회"),
    "acc.quota_line_unlimited": ("NHN Cloud {kind}: {used} today", "NHN Cloud {kind}: 오늘 {used}회"),
    "page.audit": ("Audit", "감사 기록"),
    "set.quotas": ("Quotas of billed NHN Cloud calls", "NHN Cloud 유료 호출 한도"),
    "set.q_user_daily_analysis": ("Per user per day: analyses", "사용자별 하루: 분석"),
    "set.q_user_daily_stand_alone": ("Per user per day: stand-alone", "사용자별 하루: 단독 분석"),
    "set.q_monthly_analysis": ("Whole deployment per month: analyses", "전체 월간: 분석"),
    "set.q_monthly_stand_alone": ("Whole deployment per month: stand-alone", "전체 월간: 단독 분석"),
    "set.q_unlimited": ("no limit", "제한 없음"),
    "set.q_save": ("Save quotas", "한도 저장"),
    "set.q_saved": ("Quotas saved.", "한도를 저장했습니다."),
    "aud.admin_only": ("The audit trail is for admins only.", "감사 기록은 관리자만 볼 수 있습니다."),
    "aud.user": ("User", "사용자"),
    "aud.all": ("all", "전체"),
    "aud.dates": ("Dates (UTC)", "기간 (UTC)"),
    "aud.backend": ("Backend", "백엔드"),
    "aud.code": ("Result code", "결과 코드"),
    "aud.count": ("{n} rows", "{n}건"),
    "aud.csv": ("Download CSV", "CSV 다운로드"),
    "aud.no_billed": ("No billed NHN Cloud calls in this period.", "이 기간에 NHN Cloud 유료 호출이 없습니다."),
    "aud.totals": ("Billed NHN Cloud calls per user and day", "사용자·일자별 NHN Cloud 유료 호출"),
    "aud.retention_heading": ("Retention", "보존 기간"),
    "aud.retention": ("Keep audit rows for (days)", "감사 기록 보존 일수"),
    "aud.retention_save": ("Save and purge older rows", "저장하고 오래된 기록 삭제"),
    "aud.purged": ("Saved: {days} days. {n} older rows were purged.", "저장됨: {days}일. 오래된 기록 {n}건을 "
                   "삭제했습니다."),
    # sign-in and roles
    "acc.sign_in": ("Sign in", "로그인"),
    "acc.sign_out": ("Sign out", "로그아웃"),
    "acc.sign_in_needed": ("This dashboard is for signed-in staff. Sign in with your company account "
                           "to continue.",
                           "로그인한 직원만 사용할 수 있습니다. 회사 계정으로 로그인하세요."),
    "acc.no_role": ("You are signed in as {email}, but no role is configured for this account. Ask an "
                    "administrator to add you to [access] in secrets.toml.",
                    "{email} 계정으로 로그인했지만 이 계정에 지정된 역할이 없습니다. 관리자에게 "
                    "secrets.toml의 [access]에 추가해 달라고 요청하세요."),
    "acc.proxy_missing": ("No signed-in user reached the dashboard: it accepts the user header only "
                          "from its configured SSO proxy.",
                          "로그인한 사용자 정보가 없습니다: 설정된 SSO 프록시에서 온 사용자 헤더만 "
                          "받습니다."),
    "acc.config_error": ("Sign-in is misconfigured, so the dashboard stays closed: {detail}",
                         "로그인 설정에 오류가 있어 대시보드를 열지 않습니다: {detail}"),
    "acc.anonymous_banner": ("Served without sign-in (STUDIO_ALLOW_ANONYMOUS=1): anyone who reaches this "
                             "address can use it.",
                             "로그인 없이 제공 중입니다 (STUDIO_ALLOW_ANONYMOUS=1): 이 주소에 접근하는 "
                             "누구나 사용할 수 있습니다."),
    "acc.role_line": ("Role: {role}", "역할: {role}"),
    "acc.role_viewer": ("viewer", "조회자"),
    "acc.role_analyst": ("analyst", "분석가"),
    "acc.role_admin": ("admin", "관리자"),
    "acc.masking_fixed": ("Personal data is masked (only an admin may unmask).",
                          "개인정보가 마스킹됩니다 (관리자만 해제할 수 있습니다)."),
    "acc.settings_admin_only": ("Connection settings are for admins only.",
                                "연결 설정은 관리자만 바꿀 수 있습니다."),
}


def text(key: str, lang: Lang, /, **fields: object) -> str:
    """The string ``key`` in ``lang``, formatted with ``fields``. Unknown keys raise KeyError."""
    en, ko = _STRINGS[key]
    template = ko if lang == "ko" else en
    return template.format(**fields) if fields else template


def default_lang() -> Lang:
    """Korean when the browser asks for it, else English."""
    try:
        locale = st.context.locale or ""
    except Exception:  # no browser context (bare script, some test runners)
        locale = ""
    return "ko" if locale.lower().startswith("ko") else "en"


def current_lang() -> Lang:
    lang = st.session_state.get(LANG_KEY)
    return lang if lang in LANGS else default_lang()


def api_value(value: str | None) -> str:
    """An API value (``resident``, ``normal``…) in the UI language, the API's own word kept beside it."""
    if not value:
        return "–"
    key = f"val.{value}"
    return t(key) if key in _STRINGS else value


def t(key: str, /, **fields: object) -> str:
    return text(key, current_lang(), **fields)


def known_keys() -> frozenset[str]:
    return frozenset(_STRINGS)


_RESYNC_KEY = "_translated_widgets"


def translated(key: str) -> str:
    """Register the key of a widget whose option labels are translated, and return it.

    Selection widgets hold their value as the *label* of the chosen option; after a language
    switch the browser still holds the old label and would show nothing selected. ``resync``
    writes each registered value back, so Streamlit sends it again under the new label."""
    keys = st.session_state.setdefault(_RESYNC_KEY, set())
    keys.add(key)
    return key


def resync() -> None:
    """``on_change`` of the language switch (see ``translated``)."""
    for key in st.session_state.get(_RESYNC_KEY, set()):
        if key in st.session_state:
            st.session_state[key] = st.session_state[key]
