"""Administrative units after the 1 July 2025 reform: 34 provinces and their communes/wards."""
