# Recipes for the apple disambiguation taggers. Included from the top Makefile.
#   make apple-data            generated corpus into $(BUILD)/apple (about 25 s): train, dev, probes,
#                              train-extra and train-mix (apple-bilstm only)
#   make apple-lm              the character LM that apple-lstm starts from (1 x 128 LSTM on the English
#                              and Chinese fortune corpora of `make data`; 37 min*)
#   make model-apple-rnn       retrains models/apple-rnn from scratch            (5 min training*)
#   make model-apple-lstm      retrains models/apple-lstm from the apple-lm start (10 min*, after apple-lm)
#   make model-apple-gru       retrains models/apple-gru from scratch            (13 min*)
#   make model-apple-bilstm    retrains models/apple-bilstm from scratch         (14 min, one other training running)
#   make models-apple          all four, one training at a time
#   (* on the 2-core VM while other trainings shared it; session 1 measured about half that with one
#    training at a time: 2.6 min for apple-rnn, 6 min for apple-gru)
# Each target trains into $(BUILD)/models/<name>.safetensors (log: $(BUILD)/logs/<name>.log),
# evaluates it with tools/apple/evaluate.py (dev, both hand-written sets, probes; JSON in
# $(BUILD)/logs/<name>.eval.json), copies the weights to models/<name>/model.safetensors, and
# refreshes the card's measured blocks and check.json (tools/apple/card.py) with the training log,
# the evaluation and the mention accuracy on the fixed slice tests/apple/slice.jsonl.
# Needs the Debian packages wordnet-base, fortunes and fortunes-zh (no network).

BUILD       ?= build
PYTHON      ?= /usr/bin/python3
RECUR       ?= $(BUILD)/recur
MODEL_BUILD ?= $(BUILD)/models
MODEL_LOGS  ?= $(BUILD)/logs
JOBS        ?= $(shell nproc)
APPLE_DATA  ?= $(BUILD)/apple

.PHONY: apple-data apple-lm apple-cli models-apple model-apple-rnn model-apple-lstm model-apple-gru model-apple-bilstm

apple-cli: $(BUILD)/CMakeCache.txt
	cmake --build $(BUILD) --target recur -j $(JOBS)

apple-data:
	@test -f /usr/share/wordnet/data.noun -a -f /usr/share/games/fortunes/cookie -a -f /usr/share/games/fortunes/chinese || \
	  { echo "apple-data: needs the Debian packages wordnet-base, fortunes and fortunes-zh"; exit 1; }
	$(PYTHON) tools/apple/generate.py $(APPLE_DATA)

# Pre-training: a character LM over both corpora, same cell,
# width and embedding as apple-lstm, so `--init` carries its recurrent weights and the embedding rows
# of the characters both vocabularies share. It lifted apple-lstm's English memory from chance; see
# models/apple-lstm/README.md.
APPLE_LM = $(MODEL_BUILD)/apple-lm.safetensors
APPLE_LM_FLAGS = --cell lstm --layers 1 --hidden 128 --embed 32 --seq 128 --batch 32 --steps 3000 --lr 0.003 \
  --schedule cosine --warmup 100 --clip 1 --eval-every 1000 --seed 1 --forget-bias 1

apple-lm: $(APPLE_LM)

$(APPLE_LM): | apple-cli data
	@mkdir -p $(MODEL_BUILD) $(MODEL_LOGS)
	cat $(DATA)/en.train.txt $(DATA)/zh.train.txt > $(MODEL_BUILD)/apple-lm.train.txt
	cat $(DATA)/en.val.txt $(DATA)/zh.val.txt > $(MODEL_BUILD)/apple-lm.val.txt
	{ $(RECUR) train --data $(MODEL_BUILD)/apple-lm.train.txt --val $(MODEL_BUILD)/apple-lm.val.txt \
	  --out $@ $(APPLE_LM_FLAGS) 2>&1; echo $$? > $(MODEL_LOGS)/apple-lm.rc; } | tee $(MODEL_LOGS)/apple-lm.log
	@test "$$(cat $(MODEL_LOGS)/apple-lm.rc)" = 0 || { rm -f $@; echo "apple-lm: training failed, see $(MODEL_LOGS)/apple-lm.log"; exit 1; }

# Shared by all four: 16 packed lines (~390 characters each) per step, Adam with a cosine schedule,
# gradient clipping at 1, validation on the generated dev set.
APPLE_COMMON = --task tagger --val $(APPLE_DATA)/dev.jsonl \
  --batch 16 --schedule cosine --warmup 200 --clip 1 --eval-every 1000

APPLE_RNN_FLAGS    = --cell rnn_tanh --layers 1 --hidden 128 --embed 32 --steps 6000 --lr 0.002 --seed 1
APPLE_LSTM_FLAGS   = --cell lstm --layers 1 --hidden 128 --embed 32 --steps 8000 --lr 0.003 --init $(APPLE_LM) --seed 1
APPLE_GRU_FLAGS    = --cell gru --layers 1 --hidden 128 --embed 32 --steps 6000 --lr 0.003 --seed 1
# apple-bilstm: seed 3 of seeds 1-3, the best on dev (see its card)
APPLE_BILSTM_FLAGS = --cell lstm --bidirectional --layers 1 --hidden 128 --embed 32 --steps 6000 --lr 0.003 --forget-bias 1 \
  --seed 3

# $(call train_apple,NAME,FLAGS[,DATA]): DATA defaults to the v2 training set
define train_apple
	@mkdir -p $(MODEL_BUILD) $(MODEL_LOGS) models/$(1)
	{ $(RECUR) train $(APPLE_COMMON) --data $(or $(3),$(APPLE_DATA)/train.jsonl) \
	  --out $(MODEL_BUILD)/$(1).safetensors $(2) 2>&1; \
	  echo $$? > $(MODEL_LOGS)/$(1).rc; } | tee $(MODEL_LOGS)/$(1).log
	@test "$$(cat $(MODEL_LOGS)/$(1).rc)" = 0 || { echo "$(1): training failed, see $(MODEL_LOGS)/$(1).log"; exit 1; }
	$(PYTHON) tools/apple/evaluate.py --recur $(RECUR) --model $(MODEL_BUILD)/$(1).safetensors \
	  --data $(APPLE_DATA) --json $(MODEL_LOGS)/$(1).eval.json | tee $(MODEL_LOGS)/$(1).eval.txt
	cp $(MODEL_BUILD)/$(1).safetensors models/$(1)/model.safetensors
	$(PYTHON) tools/apple/evaluate.py --recur $(RECUR) --model models/$(1)/model.safetensors --only "" \
	  --file tests/apple/slice.jsonl --json $(MODEL_LOGS)/$(1).slice.json
	$(PYTHON) tools/apple/card.py --card models/$(1)/README.md --log $(MODEL_LOGS)/$(1).log \
	  --eval $(MODEL_LOGS)/$(1).eval.json --slice $(MODEL_LOGS)/$(1).slice.json
endef

model-apple-rnn: apple-cli apple-data
	$(call train_apple,apple-rnn,$(APPLE_RNN_FLAGS))

model-apple-lstm: apple-cli apple-data apple-lm
	$(call train_apple,apple-lstm,$(APPLE_LSTM_FLAGS))

model-apple-gru: apple-cli apple-data
	$(call train_apple,apple-gru,$(APPLE_GRU_FLAGS))

# apple-bilstm also reads train-extra.jsonl and train-mix.jsonl, twice each: sentence structures shared by
# both senses (tools/apple/shared_frames.py), and cue words scattered into real sentences without any frame,
# plus tight pairs of mentions (tools/apple/cue_mix.py), so that only cue words decide, on either side.
model-apple-bilstm: apple-cli apple-data
	cat $(APPLE_DATA)/train.jsonl $(APPLE_DATA)/train-extra.jsonl $(APPLE_DATA)/train-extra.jsonl \
	  $(APPLE_DATA)/train-mix.jsonl $(APPLE_DATA)/train-mix.jsonl > $(APPLE_DATA)/train-bilstm.jsonl
	$(call train_apple,apple-bilstm,$(APPLE_BILSTM_FLAGS),$(APPLE_DATA)/train-bilstm.jsonl)

models-apple: model-apple-rnn model-apple-lstm model-apple-gru model-apple-bilstm
