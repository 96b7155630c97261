"""Open data the board publishes from its commissioning records.

- `oruk.py`: the service directory in Open Referral UK 3.0 (services a commissioner has
  published, never a refuge's or other safe accommodation's address);
- `ocds.py`: published contracts' funding in the Open Contracting Data Standard 1.1, with the
  budget breakdown extension carrying each contract year's funders;
- `api.py`: the open, read-only endpoints (no login; CORS, throttled, cached) and the public
  `/open-data/` page; `views.py`: the commissioner's listing form and previews.

The schemas the output is tested against are in `schemas/` (see its README for sources and
licences).
"""
