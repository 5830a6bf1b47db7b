"""Annex A (Ofsted inspection data), List 1: contacts.

Columns as Ofsted's Annex A template names them; dates ``dd/mm/yyyy``. The list may
come as a CSV file or as the List 1 sheet of an Annex A workbook.
"""

from __future__ import annotations

CONTACTS_SHEET_PREFIX = "List 1"
CONTACTS_SHEET = "List 1 - Contacts"
DATE_FORMAT = "%d/%m/%Y"
# Annex A column -> tidy column
CONTACTS_COLUMNS: dict[str, str] = {
    "Child Unique ID": "child_id",
    "Gender": "gender",
    "Ethnicity": "ethnicity",
    "Date of Birth": "birth_date",
    "Age of Child (Years)": "age",
    "Date of Contact": "contact_date",
    "Contact Source": "contact_source",
}
REQUIRED_VALUES = ["Child Unique ID", "Date of Contact"]
DATE_COLUMNS = ["Date of Birth", "Date of Contact"]
