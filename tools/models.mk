# Recipes for the shipped character language models. Included from the top Makefile.
#   make data                     corpora splits into $(BUILD)/data: fortunes (seconds), the English
#                                 books (30 s), Chinese verse (2 min; npm ci of chinese-poetry) and the
#                                 verse-form passages of the classifiers (2 min)
#   make baseline                 order-5 Kneser-Ney bits/char on the val and test splits (zh-verse:
#                                 7 min and 12 GB of memory)
#   make model-en-fortunes-lstm   pre-trains on the English books (42 min, 2-core VM), then fine-tunes
#                                 on the fortunes in two stages (see the card for the times)
#   make model-en-fortunes-transformer  the same two steps for a Transformer of about the same size
#                                 (two cycles each: books 36 + 36 min, fortunes 38 + 31 min)
#   make model-zh-poetry-lstm     trains models/zh-poetry-lstm on Chinese verse (four stages, 3.5 h)
#   make model-en-fortunes-lstm-large  the English LSTM's stages at 2 x 512, on two threads (2 h 40 min)
#   make models                   all of the above, one training at a time
# Each model is trained into $(BUILD)/models/, evaluated on the test split, and copied (the large one
# stored as F16) to models/<name>/model.safetensors only if it beats the baseline's test bits/char.
# The corpora and their licences: models/CORPORA.md. Every lm here trains with --entries: the state
# starts from zero at (half of) the entry starts, so generation's zero state is an entry start.

BUILD       ?= build
PYTHON      ?= /usr/bin/python3
RECUR       ?= $(BUILD)/recur
DATA        ?= $(BUILD)/data
MODEL_BUILD ?= $(BUILD)/models
MODEL_LOGS  ?= $(BUILD)/logs
JOBS        ?= $(shell nproc)

.PHONY: models data baseline recur-cli model-en-fortunes-lstm model-zh-poetry-lstm model-en-fortunes-transformer \
  model-en-fortunes-lstm-large

# The CLI alone (the full `build` target also builds the wasm module, which training does not need).
recur-cli: $(BUILD)/CMakeCache.txt
	cmake --build $(BUILD) --target recur -j $(JOBS)

# The text packages the corpora come from (the fortunes are in the top Makefile's PACKAGES); dict-foldoc and
# manpages-zh only feed the apple taggers (tools/apple/mine.py).
DATA_PACKAGES = dict-gcide dict-foldoc jargon-text dict-devil bible-kjv-text manpages-zh opencc
DATA_NPM_STAMP = tools/data/node_modules/.installed

$(DATA_NPM_STAMP): tools/data/package.json tools/data/package-lock.json
	cd tools/data && npm ci --no-audit --no-fund
	@touch $@

data: setup $(DATA_NPM_STAMP)
	@missing=""; for p in $(DATA_PACKAGES); do \
	  dpkg-query -W -f='$${Status}' $$p 2>/dev/null | grep -q "install ok installed" || missing="$$missing $$p"; \
	done; \
	if [ -n "$$missing" ]; then $(SUDO) apt-get update -qq && \
	  DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq $$missing; fi
	$(PYTHON) tools/data/prepare_corpora.py $(DATA)
	$(PYTHON) tools/data/english_books.py $(DATA)
	$(PYTHON) tools/data/verse_zh.py $(DATA)
	$(PYTHON) tools/data/verse_forms.py $(DATA)

baseline: data
	$(PYTHON) tools/ngram/kneser_ney.py --self-check
	$(PYTHON) tools/ngram/kneser_ney.py --json --train $(DATA)/en.train.txt --test $(DATA)/en.val.txt \
	  --test $(DATA)/en.test.txt | tee $(DATA)/en.baseline.jsonl
	$(PYTHON) tools/ngram/kneser_ney.py --json --train $(DATA)/zh-verse.train.txt --test $(DATA)/zh-verse.val.txt \
	  --test $(DATA)/zh-verse.test.txt $(foreach g,tang songshi songci yuanqu,--test $(DATA)/zh-verse.test.$(g).txt) \
	  | tee $(DATA)/zh-verse.baseline.jsonl

# $(call train_lm,NAME,LANG,FLAGS[,TRAIN[,DTYPE]]): train, evaluate on test, compare with the baseline, ship.
# LANG names the corpus: $(DATA)/LANG.{train,val,test}.txt and LANG.baseline.jsonl; TRAIN replaces
# LANG.train.txt; DTYPE (F16) stores the shipped copy's weights in half precision.
define train_lm
	@mkdir -p $(MODEL_BUILD) $(MODEL_LOGS) models/$(1)
	@cmp $(DATA)/$(2).eval-slice.txt models/$(1)/eval-slice.txt || \
	  { echo "$(1): the prepared eval slice differs from models/$(1)/eval-slice.txt: the data changed"; exit 1; }
	{ $(RECUR) train --data $(or $(4),$(DATA)/$(2).train.txt) --val $(DATA)/$(2).val.txt \
	  --out $(MODEL_BUILD)/$(1).safetensors $(3) 2>&1; echo $$? > $(MODEL_LOGS)/$(1).rc; } | tee $(MODEL_LOGS)/$(1).log
	@test "$$(cat $(MODEL_LOGS)/$(1).rc)" = 0 || { echo "$(1): training failed, see $(MODEL_LOGS)/$(1).log"; exit 1; }
	$(RECUR) eval --model $(MODEL_BUILD)/$(1).safetensors --data $(DATA)/$(2).test.txt --entries | tee $(MODEL_LOGS)/$(1).test.txt
	@net=$$(awk 'NR == 1 {print $$2}' $(MODEL_LOGS)/$(1).test.txt); \
	 base=$$(sed -n 's/.*"test": "[^"]*test.txt", .*"bits_per_char": \([0-9.]*\).*/\1/p' $(DATA)/$(2).baseline.jsonl); \
	 echo "$(1): test $$net bits/char, 5-gram Kneser-Ney baseline $$base"; \
	 awk -v n="$$net" -v b="$$base" 'BEGIN { exit !(n + 0 < b + 0) }' || \
	   { echo "$(1): does not beat the baseline; models/$(1)/model.safetensors left as it was"; exit 1; }
	$(if $(5),$(PYTHON) tools/pytorch/recur_torch.py --dtype $(5) $(MODEL_BUILD)/$(1).safetensors \
	  models/$(1)/model.safetensors,cp $(MODEL_BUILD)/$(1).safetensors models/$(1)/model.safetensors)
	$(RECUR) eval --model models/$(1)/model.safetensors --data models/$(1)/eval-slice.txt
endef

# $(call train_stage,NAME,ARGS): recur train ARGS into $(MODEL_BUILD)/NAME.safetensors, logged to
# $(MODEL_LOGS)/NAME.log. A failed training removes the file: with --keep-best a stopped run leaves its
# best model there, which make would otherwise take for a finished stage.
define train_stage
	@mkdir -p $(MODEL_BUILD) $(MODEL_LOGS)
	{ $(RECUR) train $(2) --out $(MODEL_BUILD)/$(1).safetensors 2>&1; echo $$? > $(MODEL_LOGS)/$(1).rc; } \
	  | tee $(MODEL_LOGS)/$(1).log
	@test "$$(cat $(MODEL_LOGS)/$(1).rc)" = 0 || \
	  { rm -f $(MODEL_BUILD)/$(1).safetensors; echo "$(1): training failed, see $(MODEL_LOGS)/$(1).log"; exit 1; }
endef

# English: 2 x 256 LSTM, 890,411 parameters. Pre-trained for 6000 steps of 32 x 128 characters on
# the English books (0.8 epoch), then fine-tuned on the fortunes from those weights (--init keeps
# every tensor and the embedding and head rows of the characters both vocabularies share).
ENTRY_FLAGS = --entries --entry-resets 0.5 --keep-best
# What both English LSTMs (this one and the large one below) share.
EN_LSTM = --cell lstm --layers 2 --embed 64 --seq 128 --batch 32 --schedule cosine --clip 1 --seed 1 $(ENTRY_FLAGS)
EN_BOOKS_FLAGS = $(EN_LSTM) --hidden 256 --dropout 0.1 --lr 0.002 --warmup 200 --steps 6000 --eval-every 1000
EN_LSTM_SHAPE = $(EN_LSTM) --hidden 256 --dropout 0.2
EN_FORTUNES_FLAGS = --init $(MODEL_BUILD)/en-books-lstm.safetensors $(EN_LSTM_SHAPE) --lr 0.002 --warmup 100 \
  --steps 5500 --eval-every 500
# A last 1,000 steps at a quarter of the rate on the fortunes with every run of 4 or more spaces and tabs
# written as one tab. The model cannot count long runs (alignment in IRC logs, indented signatures), so at
# low temperatures it kept adding spaces: from "The " or "A " at T = 0.5, 7 and 10 of 200 samples of 400
# characters had 20 or more in a row; after this stage 1 and 0 (the card has the figures). The test split
# keeps its runs.
EN_FORTUNES_TAB_FLAGS = --init $(MODEL_BUILD)/en-fortunes-lstm-stage1.safetensors $(EN_LSTM_SHAPE) --lr 0.0005 \
  --warmup 50 --steps 1000 --eval-every 250

$(MODEL_BUILD)/en-books-lstm.safetensors: | recur-cli data
	$(call train_stage,en-books-lstm,--data $(DATA)/en-books.train.txt --val $(DATA)/en-books.val.txt $(EN_BOOKS_FLAGS))

$(MODEL_BUILD)/en-fortunes-lstm-stage1.safetensors: $(MODEL_BUILD)/en-books-lstm.safetensors | recur-cli data
	$(call train_stage,en-fortunes-lstm-stage1,--data $(DATA)/en.train.txt --val $(DATA)/en.val.txt $(EN_FORTUNES_FLAGS))
# The fortunes' training split with runs of 4+ spaces and tabs as one tab, for the tab stages of both
# LSTMs; rewritten whenever a model needs it (data is phony), as the split may have changed.
$(DATA)/en.train-tabbed.txt: data
	sed -E 's/[ \t]{4,}/\t/g' $(DATA)/en.train.txt > $@

model-en-fortunes-lstm: recur-cli baseline $(MODEL_BUILD)/en-fortunes-lstm-stage1.safetensors $(DATA)/en.train-tabbed.txt
	$(call train_lm,en-fortunes-lstm,en,$(EN_FORTUNES_TAB_FLAGS),$(DATA)/en.train-tabbed.txt)

# A larger English LSTM beside it, to show what 3.8 times the parameters buy: 2 x 512, 3,346,731
# parameters. The same three stages on two threads (the weights do not depend on the thread count);
# on the fortunes more dropout (0.3) and fewer steps (4,000), since it has the same 2.3 M characters to
# fit. Shipped as F16: 6.7 MB (13.4 MB as F32, over the 8 MB a model file may have).
EN_LARGE_FLAGS = $(EN_LSTM) --hidden 512 --threads $(JOBS)
EN_BOOKS_LARGE_FLAGS = $(EN_LARGE_FLAGS) --dropout 0.1 --lr 0.002 --warmup 200 --steps 6000 --eval-every 1000
EN_FORTUNES_LARGE_FLAGS = --init $(MODEL_BUILD)/en-books-lstm-large.safetensors $(EN_LARGE_FLAGS) --dropout 0.3 \
  --lr 0.002 --warmup 100 --steps 4000 --eval-every 500
EN_FORTUNES_LARGE_TAB_FLAGS = --init $(MODEL_BUILD)/en-fortunes-lstm-large-stage1.safetensors $(EN_LARGE_FLAGS) \
  --dropout 0.3 --lr 0.0005 --warmup 50 --steps 1000 --eval-every 250

$(MODEL_BUILD)/en-books-lstm-large.safetensors: | recur-cli data
	$(call train_stage,en-books-lstm-large,--data $(DATA)/en-books.train.txt --val $(DATA)/en-books.val.txt $(EN_BOOKS_LARGE_FLAGS))

$(MODEL_BUILD)/en-fortunes-lstm-large-stage1.safetensors: $(MODEL_BUILD)/en-books-lstm-large.safetensors | recur-cli data
	$(call train_stage,en-fortunes-lstm-large-stage1,--data $(DATA)/en.train.txt --val $(DATA)/en.val.txt $(EN_FORTUNES_LARGE_FLAGS))
model-en-fortunes-lstm-large: recur-cli baseline $(MODEL_BUILD)/en-fortunes-lstm-large-stage1.safetensors \
  $(DATA)/en.train-tabbed.txt
	$(call train_lm,en-fortunes-lstm-large,en,$(EN_FORTUNES_LARGE_TAB_FLAGS),$(DATA)/en.train-tabbed.txt,F16)

# The Transformer beside it: 4 layers x 128 (4 heads, feed-forward 512, window 256), about as many
# parameters, in windows of 256 (its positions past 128 would otherwise never be trained) at 16 per
# step: the same 4,096 characters per step. Its rates are lower than the LSTM's, the usual choice for
# post-norm attention (not tuned here). Two cycles on the books, as for the Chinese model (the first
# alone, 4000 steps, left it at 2.1793 validation bits/char and still falling, and the fortunes model
# from it at 2.3541 test bits/char, behind the 5-gram's 2.2861), then two cycles on the fortunes (the
# first alone levelled off at 2.2759). The shipped weights: books 1.9514 (the LSTM's 1.9949, on a
# slightly different books split), fortunes test 2.2234, ahead of the 5-gram by 0.063 and behind the
# LSTM's 2.0942 (see its card).
EN_TF_SHAPE = --cell transformer --layers 4 --hidden 128 --heads 4 --ff 512 --max-len 256 --seq 256 --batch 16 \
  --schedule cosine --clip 1 $(ENTRY_FLAGS)
EN_BOOKS_TF1_FLAGS = $(EN_TF_SHAPE) --dropout 0.1 --lr 0.001 --warmup 400 --steps 4000 --eval-every 1000 --seed 1
EN_BOOKS_TF2_FLAGS = $(EN_TF_SHAPE) --init $(MODEL_BUILD)/en-books-transformer-stage1.safetensors --dropout 0.1 \
  --lr 0.001 --warmup 100 --steps 5000 --eval-every 1000 --seed 2
EN_FORTUNES_TF1_FLAGS = $(EN_TF_SHAPE) --init $(MODEL_BUILD)/en-books-transformer.safetensors --dropout 0.2 \
  --lr 0.0007 --warmup 200 --steps 4000 --eval-every 500 --seed 1
EN_FORTUNES_TF_FLAGS = $(EN_TF_SHAPE) --init $(MODEL_BUILD)/en-fortunes-transformer-stage1.safetensors --dropout 0.2 \
  --lr 0.001 --warmup 100 --steps 3000 --eval-every 500 --seed 2
$(MODEL_BUILD)/en-books-transformer-stage1.safetensors: | recur-cli data
	$(call train_stage,en-books-transformer-stage1,--data $(DATA)/en-books.train.txt --val $(DATA)/en-books.val.txt $(EN_BOOKS_TF1_FLAGS))
$(MODEL_BUILD)/en-books-transformer.safetensors: $(MODEL_BUILD)/en-books-transformer-stage1.safetensors | recur-cli data
	$(call train_stage,en-books-transformer,--data $(DATA)/en-books.train.txt --val $(DATA)/en-books.val.txt $(EN_BOOKS_TF2_FLAGS))
$(MODEL_BUILD)/en-fortunes-transformer-stage1.safetensors: $(MODEL_BUILD)/en-books-transformer.safetensors | recur-cli data
	$(call train_stage,en-fortunes-transformer-stage1,--data $(DATA)/en.train.txt --val $(DATA)/en.val.txt $(EN_FORTUNES_TF1_FLAGS))
model-en-fortunes-transformer: recur-cli baseline $(MODEL_BUILD)/en-fortunes-transformer-stage1.safetensors
	$(call train_lm,en-fortunes-transformer,en,$(EN_FORTUNES_TF_FLAGS))

# Chinese verse: 2 x 256 LSTM over the 3500 most frequent characters (+ LF, U+FFFD and <unk>),
# 1,980,527 parameters. Four stages, as the shipped weights were made: 4000 steps from scratch,
# 2400 more from those weights with a fresh cosine cycle at a higher rate, then 7000 more with a
# third cycle (each stage continues the previous one's weights with --init); then 1500 at a low rate
# in which half of the poems that start from zero read the blank line before them first, so that a
# blank line read from the zero state is a start the model knows (after stage 3 it cost 0.35 bits/char).
ZH_VERSE_FLAGS = --cell lstm --layers 2 --hidden 256 --embed 64 --dropout 0.1 --seq 128 --batch 32 --clip 1 \
  $(ENTRY_FLAGS)
ZH_STAGE1_FLAGS = $(ZH_VERSE_FLAGS) --lr 0.002 --schedule cosine --warmup 200 --steps 4000 --eval-every 500 --seed 1
ZH_STAGE2_FLAGS = $(ZH_VERSE_FLAGS) --init $(MODEL_BUILD)/zh-verse-stage1.safetensors --lr 0.003 --schedule cosine \
  --warmup 100 --steps 2400 --eval-every 400 --seed 2
ZH_STAGE3_FLAGS = $(ZH_VERSE_FLAGS) --init $(MODEL_BUILD)/zh-verse-stage2.safetensors --lr 0.002 --schedule cosine \
  --warmup 100 --steps 7000 --eval-every 1000 --seed 3
ZH_STAGE4_FLAGS = $(ZH_VERSE_FLAGS) --blank-resets 0.5 --init $(MODEL_BUILD)/zh-verse-stage3.safetensors --lr 0.0005 \
  --schedule cosine --warmup 100 --steps 1500 --eval-every 250 --seed 4

# $(MODEL_BUILD)/zh-verse-stageN.safetensors: one stage of the Chinese model.
$(MODEL_BUILD)/zh-verse-stage1.safetensors: | recur-cli data
	$(call train_stage,zh-verse-stage1,--data $(DATA)/zh-verse.train.txt --val $(DATA)/zh-verse.val.txt $(ZH_STAGE1_FLAGS))

$(MODEL_BUILD)/zh-verse-stage2.safetensors: $(MODEL_BUILD)/zh-verse-stage1.safetensors | recur-cli data
	$(call train_stage,zh-verse-stage2,--data $(DATA)/zh-verse.train.txt --val $(DATA)/zh-verse.val.txt $(ZH_STAGE2_FLAGS))

$(MODEL_BUILD)/zh-verse-stage3.safetensors: $(MODEL_BUILD)/zh-verse-stage2.safetensors | recur-cli data
	$(call train_stage,zh-verse-stage3,--data $(DATA)/zh-verse.train.txt --val $(DATA)/zh-verse.val.txt $(ZH_STAGE3_FLAGS))

model-zh-poetry-lstm: recur-cli baseline $(MODEL_BUILD)/zh-verse-stage3.safetensors
	$(call train_lm,zh-poetry-lstm,zh-verse,$(ZH_STAGE4_FLAGS))

# Sequential on purpose: each training uses a whole core for most of an hour.
models:
	$(MAKE) model-en-fortunes-lstm
	$(MAKE) model-zh-poetry-lstm
	$(MAKE) model-en-fortunes-transformer
	$(MAKE) model-en-fortunes-lstm-large
