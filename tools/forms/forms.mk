# Recipes for the verse-form classifiers (models/zh-forms-*). Included from the top Makefile.
#   make model-zh-forms-NAME   trains models/zh-forms-NAME (bilstm, lstm, gru, rnn) on the passages of
#                              tools/data/verse_forms.py (`make data`): 6000 steps of 32 passages,
#                              the weights of the lowest validation loss kept
#   make forms-score           scores the four and the Naive Bayes baseline on the validation and test
#                              splits and the composed set (tools/forms/score.py); JSON and a markdown
#                              table in $(BUILD)/logs/zh-forms.score.*
#   make models-forms          all of the above, one training at a time
# Each target trains into $(BUILD)/models/zh-forms-NAME.safetensors (log in $(BUILD)/logs/) and copies
# the weights to models/zh-forms-NAME/model.safetensors.

# It uses tools/models.mk's variables (BUILD, PYTHON, RECUR, DATA, MODEL_BUILD, MODEL_LOGS) and recur-cli,
# and tools/apple/apple.mk's DATA_DONE, so the top Makefile includes it after both.

.PHONY: models-forms forms-score model-zh-forms-bilstm model-zh-forms-lstm model-zh-forms-gru model-zh-forms-rnn

FORMS_COMMON = --task classifier --data $(DATA)/zh-forms.train.jsonl --val $(DATA)/zh-forms.val.jsonl \
  --batch 32 --lr 0.003 --schedule cosine --warmup 200 --clip 1 --steps 6000 --eval-every 500 --keep-best --seed 1
# The tutorials' classifier: 2 bidirectional layers, dropout between them. The others: one layer, left
# to right (dropout acts between layers, so they have none).
FORMS_BILSTM_FLAGS = --cell lstm --layers 2 --bidirectional --hidden 96 --embed 32 --dropout 0.3
FORMS_LSTM_FLAGS   = --cell lstm --layers 1 --hidden 96 --embed 32
FORMS_GRU_FLAGS    = --cell gru --layers 1 --hidden 96 --embed 32
FORMS_RNN_FLAGS    = --cell rnn_tanh --layers 1 --hidden 96 --embed 32

# $(call train_forms,NAME,FLAGS)
define train_forms
	@mkdir -p $(MODEL_BUILD) $(MODEL_LOGS) models/$(1)
	{ $(RECUR) train $(FORMS_COMMON) --out $(MODEL_BUILD)/$(1).safetensors $(2) 2>&1; \
	  echo $$? > $(MODEL_LOGS)/$(1).rc; } | tee $(MODEL_LOGS)/$(1).log
	@test "$$(cat $(MODEL_LOGS)/$(1).rc)" = 0 || { echo "$(1): training failed, see $(MODEL_LOGS)/$(1).log"; exit 1; }
	cp $(MODEL_BUILD)/$(1).safetensors models/$(1)/model.safetensors
endef

model-zh-forms-bilstm: recur-cli | $(DATA_DONE)
	$(call train_forms,zh-forms-bilstm,$(FORMS_BILSTM_FLAGS))

model-zh-forms-lstm: recur-cli | $(DATA_DONE)
	$(call train_forms,zh-forms-lstm,$(FORMS_LSTM_FLAGS))

model-zh-forms-gru: recur-cli | $(DATA_DONE)
	$(call train_forms,zh-forms-gru,$(FORMS_GRU_FLAGS))

model-zh-forms-rnn: recur-cli | $(DATA_DONE)
	$(call train_forms,zh-forms-rnn,$(FORMS_RNN_FLAGS))

forms-score: recur-cli | $(DATA_DONE)
	$(PYTHON) tools/forms/score.py --recur $(RECUR) --data $(DATA) --naive-bayes \
	  $(foreach n,bilstm lstm gru rnn,--model $(n)=models/zh-forms-$(n)/model.safetensors) \
	  --json $(MODEL_LOGS)/zh-forms.score.json --markdown $(MODEL_LOGS)/zh-forms.score.md

models-forms:
	$(MAKE) model-zh-forms-bilstm
	$(MAKE) model-zh-forms-lstm
	$(MAKE) model-zh-forms-gru
	$(MAKE) model-zh-forms-rnn
	$(MAKE) forms-score
