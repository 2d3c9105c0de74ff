"""Web editions of an episode: the accessible player page, its embed and the podcast site index."""
