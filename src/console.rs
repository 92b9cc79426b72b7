//! The terminal chat adapter (`maeum chat`).
