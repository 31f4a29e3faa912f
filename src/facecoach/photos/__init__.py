"""Progress photos: private, kept in the data folder, never sent anywhere. Pure of UI."""

# The photos' folder, beside the session log in the data folder.
PHOTOS_FOLDER = "photos"
