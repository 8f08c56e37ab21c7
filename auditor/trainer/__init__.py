"""Trainer mode: explain a verdict, replay a case step by step, ask what-if, brief a room."""
