"""The web channel: a JSON API and a chat page for QR posters, kiosks and WeChat's browser (Starlette)."""
