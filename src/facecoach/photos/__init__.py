"""Progress photos: private, kept in the data folder, never sent anywhere. Pure of UI."""
