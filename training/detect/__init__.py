"""NanoDet, the COCO-80 object detector the caption path reads: converted from TF.js, never trained here."""
