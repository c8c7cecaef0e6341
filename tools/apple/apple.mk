# Recipes for the apple disambiguation taggers. Included from the top Makefile.
#   make apple-data            the training data in $(BUILD)/apple: the generated corpus (tools/apple/generate.py,
#                              about 25 s) and the mined natural contexts (tools/apple/mine.py, about 30 s; needs
#                              `make data` for the verse)
#   make apple-probes          rewrites tests/apple/memory-probes.jsonl (committed; the page and the tests read it;
#                              downloads r-cran-janeaustenr for its English filler)
#   make apple-lm-CELL         the character LM a tagger of cell CELL (rnn_tanh, lstm, gru) starts from: 1 x 128,
#                              on the English and Chinese fortunes and the mined windows as plain text
#   make apple-lm-transformer  the Transformers' LM: 2 layers x 64, 4 heads, window 512, same corpus
#   make apple-wide-lm-CELL    a wide encoder's LM: 1 x 256, on that corpus and 8 MB of English books
#   make model-apple-NAME      retrains models/apple-NAME (rnn, lstm, gru, bilstm, transformer,
#                              bitransformer) from its LM; rnn, lstm and gru through a lone-cue curriculum
#                              whose stages are $(BUILD)/models/apple-NAME-d{0,60,200,430}.safetensors, bilstm
#                              fine-tuned from $(BUILD)/models/apple-bilstm-base.safetensors (a run stopped
#                              part-way resumes after its last finished stage)
#   make models-apple          the four recurrent taggers, one training at a time
# Each target trains into $(BUILD)/models/<name>.safetensors (log: $(BUILD)/logs/<name>.log),
# evaluates it with tools/apple/evaluate.py (generated dev, mined dev, natural dev, the hand-written sets and
# the memory probes and their no-cue control; JSON in $(BUILD)/logs/<name>.eval.json), copies the weights to
# models/<name>/model.safetensors, and refreshes the card's measured blocks and check.json
# (tools/apple/card.py) with the training log, the evaluation and the accuracy on tests/apple/slice.jsonl.
# Needs the Debian packages wordnet-base, fortunes, fortunes-zh, dict-gcide, dict-foldoc, dict-devil,
# jargon-text, bible-kjv-text, manpages-zh and opencc (make setup installs them).

BUILD       ?= build
PYTHON      ?= /usr/bin/python3
RECUR       ?= $(BUILD)/recur
MODEL_BUILD ?= $(BUILD)/models
MODEL_LOGS  ?= $(BUILD)/logs
JOBS        ?= $(shell nproc)
APPLE_DATA  ?= $(BUILD)/apple

.PHONY: apple-data apple-probes apple-cli models-apple model-apple-rnn model-apple-lstm model-apple-gru model-apple-bilstm \
  model-apple-transformer model-apple-bitransformer

apple-cli: $(BUILD)/CMakeCache.txt
	cmake --build $(BUILD) --target recur -j $(JOBS)

# File stamps, so that a model target rebuilds only what is missing or out of date: the last file
# `make data` writes, and the last one of the apple data.
DATA_DONE = $(DATA)/zh-forms.sizes.json
APPLE_DATA_DONE = $(APPLE_DATA)/mined.sizes.json

$(DATA_DONE):
	$(MAKE) data

apple-data: $(APPLE_DATA_DONE)

$(APPLE_DATA_DONE): tools/apple/generate.py tools/apple/cue_mix.py tools/apple/shared_frames.py tools/apple/lone_cue.py \
                    tools/apple/stories.py tools/apple/narratives.py tools/apple/mine.py tools/apple/probes.py \
                    tools/apple/natural-dev-checks.tsv tools/data/english_books.py tools/data/verse_zh.py | $(DATA_DONE)
	@test -f /usr/share/wordnet/data.noun -a -f /usr/share/games/fortunes/cookie -a -f /usr/share/games/fortunes/chinese || \
	  { echo "apple-data: needs the Debian packages wordnet-base, fortunes and fortunes-zh"; exit 1; }
	$(PYTHON) tools/apple/generate.py $(APPLE_DATA)
	$(PYTHON) tools/apple/mine.py $(APPLE_DATA) $(DATA)

# The probes' English filler: Austen, from r-cran-janeaustenr (downloaded and unpacked, not installed).
$(DATA)/austen.txt: tools/data/austen.py
	$(PYTHON) tools/data/austen.py $(DATA)

apple-probes: $(DATA)/austen.txt $(APPLE_DATA_DONE)
	$(PYTHON) tools/apple/probes.py tests/apple/memory-probes.jsonl $(DATA) $(APPLE_DATA)

# Pre-training: one character LM per cell and width, of the taggers' embedding, so that `--init` carries
# its recurrent weights and the embedding rows of the characters both vocabularies share.
APPLE_LM_TRAINING = --layers 1 --embed 32 --seq 128 --batch 32 --lr 0.003 --schedule cosine --warmup 100 --clip 1 \
  --eval-every 500 --seed 1
APPLE_LM_FLAGS = $(APPLE_LM_TRAINING) --hidden 128 --steps 3000
APPLE_LM_CORPUS = $(MODEL_BUILD)/apple-lm.train.txt
# $(call apple_lm_args,CELL): what every recurrent LM of the taggers shares besides its corpus and size
apple_lm_args = --val $(MODEL_BUILD)/apple-lm.val.txt --cell $(1) $(if $(filter lstm,$(1)),--forget-bias 1)

$(APPLE_LM_CORPUS): $(APPLE_DATA_DONE)
	@mkdir -p $(MODEL_BUILD) $(MODEL_LOGS)
	cat $(DATA)/en.train.txt $(DATA)/zh.train.txt $(APPLE_DATA)/lm-extra.txt > $@
	cat $(DATA)/en.val.txt $(DATA)/zh.val.txt > $(MODEL_BUILD)/apple-lm.val.txt

# The wide encoders (1 x 256, 4,000 steps): the same corpus plus the first 8 MB of English books
# entries (GCIDE, the Jargon File, Bierce, the KJV; in hash order, so a sample of all four) that never
# say "apple", so that no real mention of the natural dev sets, drawn from the same sources, reaches
# pre-training. Validation on the same fortunes as the 1 x 128 LMs. (LC_ALL=C: awk counts bytes.)
APPLE_WIDE_LM_FLAGS = $(APPLE_LM_TRAINING) --hidden 256 --steps 4000
APPLE_WIDE_LM_CORPUS = $(MODEL_BUILD)/apple-wide-lm.train.txt

$(APPLE_WIDE_LM_CORPUS): $(APPLE_LM_CORPUS)
	{ cat $(APPLE_LM_CORPUS); LC_ALL=C awk -v RS= 'tolower($$0) ~ /apple/ { next } \
	    { n += length($$0) + 2; if (n > 8000000) exit; printf "%s\n\n", $$0 }' $(DATA)/en-books.train.txt; } > $@

apple-wide-lm-%: $(MODEL_BUILD)/apple-wide-lm-%.safetensors ;
.PRECIOUS: $(MODEL_BUILD)/apple-wide-lm-%.safetensors

APPLE_WIDE_LMS = $(foreach c,rnn_tanh lstm gru,$(MODEL_BUILD)/apple-wide-lm-$(c).safetensors)
$(APPLE_WIDE_LMS): $(MODEL_BUILD)/apple-wide-lm-%.safetensors: $(APPLE_WIDE_LM_CORPUS) | apple-cli
	$(call train_stage,apple-wide-lm-$*,--data $(APPLE_WIDE_LM_CORPUS) $(call apple_lm_args,$*) $(APPLE_WIDE_LM_FLAGS))

apple-lm-%: $(MODEL_BUILD)/apple-lm-%.safetensors ;
.PRECIOUS: $(MODEL_BUILD)/apple-lm-%.safetensors

# The Transformers' LM: their width and window, the same corpus, steps and batch; a lower rate than
# the cells' 0.003 with a longer warm-up, the usual choice for post-norm attention (not tuned here).
APPLE_TF_SHAPE = --layers 2 --hidden 64 --heads 4 --ff 256 --max-len 512
APPLE_TF_LM_FLAGS = $(APPLE_TF_SHAPE) --seq 128 --batch 32 --steps 3000 --lr 0.001 --schedule cosine --warmup 300 \
  --clip 1 --eval-every 500 --seed 1

$(MODEL_BUILD)/apple-lm-transformer.safetensors: $(APPLE_LM_CORPUS) | apple-cli
	$(call train_stage,apple-lm-transformer,--data $(APPLE_LM_CORPUS) --val $(MODEL_BUILD)/apple-lm.val.txt \
	  --cell transformer $(APPLE_TF_LM_FLAGS))

$(MODEL_BUILD)/apple-lm-%.safetensors: $(APPLE_LM_CORPUS) | apple-cli
	$(call train_stage,apple-lm-$*,--data $(APPLE_LM_CORPUS) $(call apple_lm_args,$*) $(APPLE_LM_FLAGS))

# Shared by all taggers: 16 packed lines (~390 characters each) per step, Adam with a cosine schedule,
# gradient clipping at 1, validation on the generated dev set; each starts from the LM of its cell and
# width (the BiLSTM, 1 x 256, its forward direction from apple-wide-lm-lstm, its backward direction fresh),
# the streaming recurrent ones through the curriculum below.
APPLE_STAGE = --task tagger --val $(APPLE_DATA)/dev.jsonl --batch 16 --schedule cosine --clip 1 --eval-every 1000
APPLE_STEPS = --warmup 200 --steps 8000
APPLE_CELL_SHAPE = --layers 1 --hidden 128 --embed 32
APPLE_WIDE_SHAPE = --layers 1 --hidden 256 --embed 32
APPLE_CELL_LR = --lr 0.003

# The BiLSTM's cell and shape; each of its two stages gives its own learning rate.
APPLE_BILSTM_CELL = --cell lstm --bidirectional $(APPLE_WIDE_SHAPE)
# The Transformers: causal (a streaming tagger, as the LSTM) and without a mask (as the BiLSTM), each on
# the data of its recurrent counterpart.
APPLE_TF_FLAGS     = --cell transformer $(APPLE_TF_SHAPE) --lr 0.001 --init $(MODEL_BUILD)/apple-lm-transformer.safetensors --seed 1
APPLE_BITF_FLAGS   = $(APPLE_TF_FLAGS) --bidirectional

# The generated corpus and the mined windows twice (a quarter of the text): the Transformer's data, and
# the start of everyone else's.
APPLE_TRAIN = $(APPLE_DATA)/train-all.jsonl
$(APPLE_TRAIN): $(APPLE_DATA_DONE)
	cat $(APPLE_DATA)/train.jsonl $(APPLE_DATA)/mined-train.jsonl $(APPLE_DATA)/mined-train.jsonl > $@

# The streaming recurrent taggers (rnn, lstm, gru) learn to keep a lone cue word by a distance curriculum:
# from their cell's LM, lone-cue examples (tools/apple/lone_cue.py) with the cue at most 0 characters
# before the mention (3,000 steps), then at most 60, 200 and 430 (2,000 steps each), then 8,000 steps as
# the Transformer's on its data plus the 430-character stage's lone cues twice (in the first run, with
# them once, the GRU was 7 points lower at 200-400 characters, the LSTM 1.5 points higher). Without the
# stages, lone cues in the data were not learned at all (the BiLSTM through the same stages kept lone cues
# better on the memory probes, but not far cues in people's sentences: models/README.md). Every stage has
# the vocabulary of train-stream.jsonl (the final stage's), so that each --init carries every embedding
# row, and the head.
APPLE_TRAIN_STREAM = $(APPLE_DATA)/train-stream.jsonl
$(APPLE_TRAIN_STREAM): $(APPLE_TRAIN) $(APPLE_DATA_DONE)
	cat $(APPLE_TRAIN) $(APPLE_DATA)/train-lone-430.jsonl $(APPLE_DATA)/train-lone-430.jsonl > $@

APPLE_RNN_FLAGS  = --cell rnn_tanh $(APPLE_CELL_SHAPE) $(APPLE_CELL_LR) --seed 1
APPLE_LSTM_FLAGS = --cell lstm $(APPLE_CELL_SHAPE) $(APPLE_CELL_LR) --seed 1
APPLE_GRU_FLAGS  = --cell gru $(APPLE_CELL_SHAPE) $(APPLE_CELL_LR) --seed 1

# Each stage is a target of its own, so that an interrupted curriculum resumes at the stage it stopped in.
# $(call apple_lone_stage,NAME,CELL FLAGS,D,INIT): the rule for $(MODEL_BUILD)/NAME-dD.safetensors
define apple_lone_stage
$(MODEL_BUILD)/$(1)-d$(3).safetensors: $(4) $(APPLE_TRAIN_STREAM) | apple-cli
	$$(call train_stage,$(1)-d$(3),$(APPLE_STAGE) --warmup 100 --steps $(if $(filter 0,$(3)),3000,2000) \
	  --data $(APPLE_DATA)/train-lone-$(3).jsonl --vocab-data $(APPLE_TRAIN_STREAM) --init $(4) $(2) --threads $(JOBS))
endef
# $(call apple_curriculum,NAME,CELL FLAGS,LM): the rules of the four lone-cue stages
define apple_curriculum
$(call apple_lone_stage,$(1),$(2),0,$(3))
$(call apple_lone_stage,$(1),$(2),60,$(MODEL_BUILD)/$(1)-d0.safetensors)
$(call apple_lone_stage,$(1),$(2),200,$(MODEL_BUILD)/$(1)-d60.safetensors)
$(call apple_lone_stage,$(1),$(2),430,$(MODEL_BUILD)/$(1)-d200.safetensors)
endef
$(eval $(call apple_curriculum,apple-rnn,$(APPLE_RNN_FLAGS),$(MODEL_BUILD)/apple-lm-rnn_tanh.safetensors))
$(eval $(call apple_curriculum,apple-lstm,$(APPLE_LSTM_FLAGS),$(MODEL_BUILD)/apple-lm-lstm.safetensors))
$(eval $(call apple_curriculum,apple-gru,$(APPLE_GRU_FLAGS),$(MODEL_BUILD)/apple-lm-gru.safetensors))

# $(call train_apple,NAME,FLAGS[,DATA[,STEPS]]): DATA defaults to $(APPLE_TRAIN), STEPS (warm-up and step
# flags) to $(APPLE_STEPS)
define train_apple
	@mkdir -p models/$(1)
	$(call train_stage,$(1),$(APPLE_STAGE) $(or $(4),$(APPLE_STEPS)) --data $(or $(3),$(APPLE_TRAIN)) $(2))
	$(PYTHON) tools/apple/evaluate.py --recur $(RECUR) --model $(MODEL_BUILD)/$(1).safetensors \
	  --data $(APPLE_DATA) --only dev,hand,heldout,heldout2,memory,control --file $(APPLE_DATA)/natural-dev.jsonl \
	  --file $(APPLE_DATA)/mined-dev.jsonl --json $(MODEL_LOGS)/$(1).eval.json | tee $(MODEL_LOGS)/$(1).eval.txt
	cp $(MODEL_BUILD)/$(1).safetensors models/$(1)/model.safetensors
	$(PYTHON) tools/apple/evaluate.py --recur $(RECUR) --model models/$(1)/model.safetensors --only "" \
	  --file tests/apple/slice.jsonl --json $(MODEL_LOGS)/$(1).slice.json
	$(PYTHON) tools/apple/card.py --card models/$(1)/README.md --log $(MODEL_LOGS)/$(1).log \
	  --eval $(MODEL_LOGS)/$(1).eval.json --slice $(MODEL_LOGS)/$(1).slice.json
endef

# The last stage also reads the story examples (tools/apple/stories.py: a topic, an everyday digression,
# then the mention) and the narratives (tools/apple/narratives.py: the same, with 80-360 characters of family
# life between), once each, and the mined windows once more (with the narratives alone, the LSTM lost 2 points
# on the mined dev set's verse); the vocabulary stays the stages' (a character only they have is <unk>).
APPLE_TRAIN_LAST = $(APPLE_DATA)/train-stream-story.jsonl
$(APPLE_TRAIN_LAST): $(APPLE_TRAIN_STREAM) $(APPLE_DATA_DONE)
	cat $(APPLE_TRAIN_STREAM) $(APPLE_DATA)/train-story.jsonl $(APPLE_DATA)/train-narrative.jsonl \
	  $(APPLE_DATA)/mined-train.jsonl > $@

# $(call apple_last_stage,NAME,CELL FLAGS): a streaming tagger's last stage, train_apple from its 430 stage
apple_last_stage = $(call train_apple,$(1),$(2) --init $(MODEL_BUILD)/$(1)-d430.safetensors --threads $(JOBS) \
  --vocab-data $(APPLE_TRAIN_STREAM),$(APPLE_TRAIN_LAST))

model-apple-rnn: apple-cli $(MODEL_BUILD)/apple-rnn-d430.safetensors $(APPLE_TRAIN_LAST)
	$(call apple_last_stage,apple-rnn,$(APPLE_RNN_FLAGS))

model-apple-lstm: apple-cli $(MODEL_BUILD)/apple-lstm-d430.safetensors $(APPLE_TRAIN_LAST)
	$(call apple_last_stage,apple-lstm,$(APPLE_LSTM_FLAGS))

model-apple-gru: apple-cli $(MODEL_BUILD)/apple-gru-d430.safetensors $(APPLE_TRAIN_LAST)
	$(call apple_last_stage,apple-gru,$(APPLE_GRU_FLAGS))

# apple-bilstm also reads train-extra.jsonl and train-mix.jsonl, twice each: sentence structures shared by
# both senses (tools/apple/shared_frames.py), and cue words scattered into real sentences without any frame,
# plus tight pairs of mentions (tools/apple/cue_mix.py), so that only cue words decide, on either side;
# and train-story.jsonl once: a topic, an everyday digression, then the mention (tools/apple/stories.py).
APPLE_TRAIN_BI = $(APPLE_DATA)/train-bilstm.jsonl
$(APPLE_TRAIN_BI): $(APPLE_TRAIN) $(APPLE_DATA_DONE)
	cat $(APPLE_TRAIN) $(APPLE_DATA)/train-extra.jsonl $(APPLE_DATA)/train-extra.jsonl \
	  $(APPLE_DATA)/train-mix.jsonl $(APPLE_DATA)/train-mix.jsonl $(APPLE_DATA)/train-story.jsonl > $@

# It trains 8,000 steps on that data from the wide LM (apple-bilstm-base), then 2,000 more at a third of the
# learning rate on that data plus the narratives the streaming taggers' last stage reads and the mined windows
# twice more, so that the dictionary style of the natural dev set's sources stays in view (trained from the
# wide LM with the narratives among its data, it lost 1.2-1.4 points there, mostly dictionary entries of the
# fruit read as company). The fine-tuning keeps the base's vocabulary (--vocab-data), so that --init carries
# every embedding row; a character only the narratives have is <unk>.
$(MODEL_BUILD)/apple-bilstm-base.safetensors: $(APPLE_TRAIN_BI) | apple-cli apple-wide-lm-lstm
	$(call train_stage,apple-bilstm-base,$(APPLE_STAGE) $(APPLE_STEPS) --data $(APPLE_TRAIN_BI) $(APPLE_BILSTM_CELL) \
	  $(APPLE_CELL_LR) --seed 1 --init $(MODEL_BUILD)/apple-wide-lm-lstm.safetensors)
APPLE_TRAIN_BI_LAST = $(APPLE_DATA)/train-bilstm-narrative.jsonl
$(APPLE_TRAIN_BI_LAST): $(APPLE_TRAIN_BI) $(APPLE_DATA_DONE)
	cat $(APPLE_TRAIN_BI) $(APPLE_DATA)/train-narrative.jsonl $(APPLE_DATA)/mined-train.jsonl \
	  $(APPLE_DATA)/mined-train.jsonl > $@

model-apple-bilstm: apple-cli $(MODEL_BUILD)/apple-bilstm-base.safetensors $(APPLE_TRAIN_BI_LAST)
	$(call train_apple,apple-bilstm,$(APPLE_BILSTM_CELL) --lr 0.001 --seed 1 --threads $(JOBS) \
	  --init $(MODEL_BUILD)/apple-bilstm-base.safetensors --vocab-data $(APPLE_TRAIN_BI),$(APPLE_TRAIN_BI_LAST), \
	  --warmup 100 --steps 2000)

model-apple-transformer: apple-cli $(APPLE_TRAIN) apple-lm-transformer
	$(call train_apple,apple-transformer,$(APPLE_TF_FLAGS))

model-apple-bitransformer: apple-cli $(APPLE_TRAIN_BI) apple-lm-transformer
	$(call train_apple,apple-bitransformer,$(APPLE_BITF_FLAGS),$(APPLE_TRAIN_BI))

models-apple: model-apple-rnn model-apple-lstm model-apple-gru model-apple-bilstm
