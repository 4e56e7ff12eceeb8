#!/usr/bin/python3
"""Parses a received message with Python's own MIME parser and prints it as JSON:
the decoded headers, and each leaf part's type, charset, file name and decoded text
(or size, for a binary part).

Usage: mime_dump.py FILE.eml [FOLDER]
With FOLDER, each attached file is also written there under its own name.
"""
import email
import email.policy
import json
import sys

with open(sys.argv[1], "rb") as file:
    message = email.message_from_binary_file(file, policy=email.policy.default)
parts = []
for part in message.walk():
    if part.is_multipart():
        parts.append({"type": part.get_content_type()})
        continue
    entry = {"type": part.get_content_type(), "filename": part.get_filename(),
             "disposition": part.get_content_disposition()}
    payload = part.get_payload(decode=True) or b""
    if part.get_content_maintype() == "text":
        entry["text"] = payload.decode(part.get_content_charset() or "utf-8")
    entry["size"] = len(payload)
    if len(sys.argv) > 2 and part.get_content_disposition() == "attachment":
        with open(sys.argv[2] + "/" + part.get_filename().replace("/", "_"), "wb") as out:
            out.write(payload)
    parts.append(entry)
print(json.dumps({
    "subject": str(message["subject"]), "from": str(message["from"]), "to": str(message["to"]),
    "message_id": str(message["message-id"]), "event_id": str(message["x-event-id"]),
    "date": str(message["date"]), "defects": [str(d) for d in message.defects],
    "parts": parts,
}, ensure_ascii=False))
