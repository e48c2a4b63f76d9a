"""The back office: facilities, their profiles and delivery rates."""
