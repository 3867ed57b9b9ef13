"""The communication plan: its lines, the default plan and when a recurring send is due."""
