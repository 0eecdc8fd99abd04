"""Document OCR Studio — placeholder router until the dashboard lands (see issue 4)."""
import streamlit as st


def main() -> None:
    st.set_page_config(page_title="Document OCR Studio", layout="wide")
    st.title("Document OCR Studio")


if __name__ == "__main__":
    main()
