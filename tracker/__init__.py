"""ITA Tracker: follow up a Thai public agency's ITA improvement measures."""
