"""What the editors of knowledge/ are shown about the bot's use: the editors' report (`make report`),
built from the bot's tables (bot/persistence/) and knowledge/; it writes no table itself."""
