"""Test suite for OneWindow."""
