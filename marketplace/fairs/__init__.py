"""Trade fairs and supply–demand connection events (issue #17): booths and their fees, curated
catalogs (web page and printable PDF), meetings at the fair, and what a fair led to afterwards."""
