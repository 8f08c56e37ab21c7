"""Import the chronology tables review panels actually write (Word, Excel, CSV) into the chronology format."""
