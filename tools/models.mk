# Recipes for the shipped character language models (issue 5). Included from the top Makefile.
#   make data                     corpora splits into $(BUILD)/data (seconds)
#   make baseline                 order-5 Kneser-Ney bits/char on the val and test splits (seconds)
#   make model-en-fortunes-lstm   retrains models/en-fortunes-lstm from scratch (56 min, 2-core VM)
#   make model-zh-poetry-lstm     retrains models/zh-poetry-lstm from scratch (44 min)
#   make models                   all of the above, one training at a time
# Each model is trained into $(BUILD)/models/, evaluated on the test split, and copied to
# models/<name>/model.safetensors only if it beats the baseline's test bits/char.
# Needs the Debian packages fortunes and fortunes-zh.

BUILD       ?= build
PYTHON      ?= /usr/bin/python3
RECUR       ?= $(BUILD)/recur
DATA        ?= $(BUILD)/data
MODEL_BUILD ?= $(BUILD)/models
MODEL_LOGS  ?= $(BUILD)/logs
JOBS        ?= $(shell nproc)

.PHONY: models data baseline recur-cli model-en-fortunes-lstm model-zh-poetry-lstm

# The CLI alone (the full `build` target also builds the wasm module, which training does not need).
recur-cli: $(BUILD)/CMakeCache.txt
	cmake --build $(BUILD) --target recur -j $(JOBS)

data:
	@test -f /usr/share/games/fortunes/cookie -a -f /usr/share/games/fortunes/tang300 || \
	  { echo "data: needs the Debian packages fortunes and fortunes-zh (apt-get install fortunes fortunes-zh)"; exit 1; }
	$(PYTHON) tools/data/prepare_corpora.py $(DATA)

baseline: data
	$(PYTHON) tools/ngram/kneser_ney.py --self-check
	$(PYTHON) tools/ngram/kneser_ney.py --json --train $(DATA)/en.train.txt --test $(DATA)/en.val.txt \
	  --test $(DATA)/en.test.txt | tee $(DATA)/en.baseline.jsonl
	$(PYTHON) tools/ngram/kneser_ney.py --json --train $(DATA)/zh.train.txt --test $(DATA)/zh.val.txt \
	  --test $(DATA)/zh.test.txt | tee $(DATA)/zh.baseline.jsonl

# $(call train_lm,NAME,LANG,FLAGS): train, evaluate on test, compare with the baseline, ship.
define train_lm
	@mkdir -p $(MODEL_BUILD) $(MODEL_LOGS) models/$(1)
	@cmp $(DATA)/$(2).eval-slice.txt models/$(1)/eval-slice.txt || \
	  { echo "$(1): the prepared eval slice differs from models/$(1)/eval-slice.txt: the data changed"; exit 1; }
	{ $(RECUR) train --data $(DATA)/$(2).train.txt --val $(DATA)/$(2).val.txt \
	  --out $(MODEL_BUILD)/$(1).safetensors $(3) 2>&1; echo $$? > $(MODEL_LOGS)/$(1).rc; } | tee $(MODEL_LOGS)/$(1).log
	@test "$$(cat $(MODEL_LOGS)/$(1).rc)" = 0 || { echo "$(1): training failed, see $(MODEL_LOGS)/$(1).log"; exit 1; }
	$(RECUR) eval --model $(MODEL_BUILD)/$(1).safetensors --data $(DATA)/$(2).test.txt | tee $(MODEL_LOGS)/$(1).test.txt
	@net=$$(awk '{print $$2}' $(MODEL_LOGS)/$(1).test.txt); \
	 base=$$(sed -n 's/.*"test": "[^"]*test.txt", .*"bits_per_char": \([0-9.]*\).*/\1/p' $(DATA)/$(2).baseline.jsonl); \
	 echo "$(1): test $$net bits/char, 5-gram Kneser-Ney baseline $$base"; \
	 awk -v n="$$net" -v b="$$base" 'BEGIN { exit !(n + 0 < b + 0) }' || \
	   { echo "$(1): does not beat the baseline; models/$(1)/model.safetensors left as it was"; exit 1; }
	cp $(MODEL_BUILD)/$(1).safetensors models/$(1)/model.safetensors
	$(RECUR) eval --model models/$(1)/model.safetensors --data models/$(1)/eval-slice.txt
endef

# English: 2 x 256 LSTM, 890,411 parameters, 7000 steps of 32 x 128 characters (12.6 epochs).
EN_FORTUNES_FLAGS = --cell lstm --layers 2 --hidden 256 --embed 64 --dropout 0.2 --seq 128 --batch 32 \
  --lr 0.002 --schedule cosine --warmup 200 --clip 1 --steps 7000 --eval-every 500 --seed 1

model-en-fortunes-lstm: recur-cli baseline
	$(call train_lm,en-fortunes-lstm,en,$(EN_FORTUNES_FLAGS))

# Chinese: 2 x 256 LSTM over the 3000 most frequent characters (+ U+FFFD and <unk>), 1,820,027
# parameters; 3000 steps of 32 x 128 characters (13.4 epochs of a smaller corpus, so more dropout).
ZH_POETRY_FLAGS = --cell lstm --layers 2 --hidden 256 --embed 64 --dropout 0.25 --seq 128 --batch 32 \
  --lr 0.002 --schedule cosine --warmup 200 --clip 1 --steps 3000 --eval-every 500 --seed 1

model-zh-poetry-lstm: recur-cli baseline
	$(call train_lm,zh-poetry-lstm,zh,$(ZH_POETRY_FLAGS))

# Sequential on purpose: each training uses a whole core for most of an hour.
models:
	$(MAKE) model-en-fortunes-lstm
	$(MAKE) model-zh-poetry-lstm
