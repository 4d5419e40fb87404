"""Validates an OpenAPI document (a file) against the official OpenAPI 3.1 schema (the one
schemathesis ships, from the OpenAPI Initiative). Prints "valid" or the first problems; exit 1."""
import json
import sys

from jsonschema import Draft202012Validator
from schemathesis.specs.openapi.definitions import OPENAPI_31

with open(sys.argv[1], encoding="utf-8") as f:
    doc = json.load(f)
if not str(doc.get("openapi", "")).startswith("3.1"):
    print(f"not OpenAPI 3.1: openapi = {doc.get('openapi')!r}")
    sys.exit(1)
errors = list(Draft202012Validator(OPENAPI_31).iter_errors(doc))
for e in errors[:10]:
    print(f"{list(e.absolute_path)}: {e.message}")
if errors:
    sys.exit(1)
print("valid")
