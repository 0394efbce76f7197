# Shortcuts for the two set-up commands in the README.
.PHONY: demo test
demo:
	python3 -m etl.bootstrap demo
test:
	python3 -m etl.bootstrap test
