"""Issued permits and their verification."""
