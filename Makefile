# Set-up, demo, tests and benchmark on a fresh Debian machine.
SHELL := /bin/bash
VENV := .venv
PY := $(VENV)/bin/python
APT_PACKAGES := tesseract-ocr tesseract-ocr-vie tesseract-ocr-osd poppler-utils qpdf ghostscript \
	fonts-liberation fonts-liberation2 fonts-dejavu-core libpdfbox2-java libactivation-java libjaxb-api-java \
	default-jre-headless softhsm2 postgresql libtesseract-dev libleptonica-dev pkg-config
STORE ?= ./digitize-store

.PHONY: setup system-packages venv demo test bench samples clean

setup: system-packages $(VENV)/.installed

system-packages:
	@missing=$$(for p in $(APT_PACKAGES); do dpkg-query -W -f='$${Status}' $$p 2>/dev/null | grep -q "install ok installed" || echo $$p; done); \
	if [ -n "$$missing" ]; then \
		echo "installing: $$missing"; \
		SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
		$$SUDO apt-get update -q && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -q $$missing; \
	fi

$(VENV)/.installed: pyproject.toml
	test -x $(PY) || python3 -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -e '.[dev,cluster,postgres,etsi]'
	# in-process OCR engine, built against Debian's libtesseract (the prebuilt wheel bundles its own
	# tesseract that does not find Debian's language data); without it the tesseract CLI is used
	$(PY) -m pip install -q cython && $(PY) -m pip install -q --no-binary tesserocr tesserocr \
		|| echo "tesserocr could not be built: the tesseract CLI will be used"
	touch $@

# The main job on the embedded default: the sample dossiers' manifest, still-valid ones only,
# signed with the demo key into a local store, then listed and audited.
demo: setup
	$(VENV)/bin/digitize keys demo --store $(STORE)
	$(VENV)/bin/digitize batch samples/demo/manifest.csv --store $(STORE) --report $(STORE)/reports/demo-batch
	$(VENV)/bin/digitize store ls --store $(STORE)
	$(VENV)/bin/digitize verify --store $(STORE)

test: setup
	OMP_THREAD_LIMIT=1 $(PY) -m pytest -q

bench: setup
	OMP_THREAD_LIMIT=1 $(PY) bench/run_bench.py

samples: setup
	for set in demo degraded types; do $(PY) samples/generate.py --out samples/$$set --set $$set || exit 1; done

clean:
	rm -rf $(VENV) $(STORE) .pytest_cache
