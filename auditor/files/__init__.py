"""Files in and out: safe YAML and JSON read with the line of every value (reading), pydantic errors turned into
problems with file, line and field (validation), and outputs written atomically and reproducibly (writing)."""
