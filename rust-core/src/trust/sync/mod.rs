//! Trust-list sync over HTTPS: each source protocol fetches and verifies an [`Update`](super::Update); the store applies it atomically.
