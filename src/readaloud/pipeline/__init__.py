"""The pipeline of one batch: load a source up to its script (`load`), plan it into synthesis
packets (`plan`), run the packets (`runner`), write each episode (`finish`); `batch.convert`
drives it all and `outcome` says what happened to each source."""
