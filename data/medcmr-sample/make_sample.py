"""Writes the SYNTHETIC demo sample of this folder (see README.md): items in the Med-CMR MCQ release
format and replies of three fictional models. Run: python3 make_sample.py (standard library only)."""
import json
import random

# (task, subtype, question type, modality, organ system, question, [A..E], answer, visual description)
ITEMS = [
 ("LTG", "rare disease", "diagnosis", "X-ray", "Respiratory", "A 24-year-old man has sudden right chest pain. What does the radiograph show?", ["Lobar pneumonia", "Pulmonary embolism", "Pneumothorax", "Pleural effusion", "Atelectasis"], "C", "Frontal chest radiograph: a thin visceral pleural line in the right upper zone with no lung markings beyond it."),
 ("LTG", "rare disease", "diagnosis", "CT", "Nervous", "What is the most likely diagnosis on this non-contrast head CT?", ["Acute subdural haematoma", "Epidural haematoma", "Subarachnoid haemorrhage", "Ischaemic stroke", "Glioblastoma"], "B", "Biconvex hyperdense extra-axial collection over the left temporal convexity that does not cross the sutures."),
 ("LTG", "rare disease", "diagnosis", "MRI", "Musculoskeletal", "Which lesion best explains the knee MRI findings?", ["Pigmented villonodular synovitis", "Osteosarcoma", "Baker cyst", "Meniscal tear", "Lipoma arborescens"], "A", "Sagittal gradient-echo MRI: diffuse synovial thickening with blooming low-signal foci."),
 ("LTG", "rare disease", "diagnosis", "Dermoscopy", "Integumentary", "The dermoscopic image most likely shows which lesion?", ["Seborrhoeic keratosis", "Melanoma", "Dermatofibroma", "Basal cell carcinoma", "Haemangioma"], "D", "Arborising vessels and blue-grey ovoid nests on a pink background."),
 ("LTG", "rare disease", "diagnosis", "Fundus photography", "Sensory", "What does the fundus photograph show?", ["Central retinal artery occlusion", "Diabetic retinopathy", "Papilloedema", "Retinal detachment", "Glaucomatous cupping"], "A", "Pale retina with a cherry-red spot at the fovea."),
 ("LTG", "rare disease", "diagnosis", "Histopathology", "Digestive", "Which diagnosis fits the duodenal biopsy?", ["Coeliac disease", "Whipple disease", "Crohn disease", "Giardiasis", "Normal mucosa"], "B", "Villi distended by foamy macrophages filled with PAS-positive granules."),
 ("LTG", "rare disease", "diagnosis", "Ultrasound", "Urinary", "What does the renal ultrasound show?", ["Simple cyst", "Angiomyolipoma", "Hydronephrosis", "Renal calculus", "Renal cell carcinoma"], "C", "Dilated renal pelvis and calyces communicating with each other; thinned cortex."),
 ("LTG", "rare disease", "diagnosis", "CT", "Digestive", "What is the most likely diagnosis?", ["Acute appendicitis", "Mucocele of the appendix", "Caecal carcinoma", "Meckel diverticulitis", "Intussusception"], "B", "Well-defined cystic tubular mass in the right lower quadrant with curvilinear mural calcification."),
 ("LTG", "rare disease", "diagnosis", "X-ray", "Musculoskeletal", "The hand radiograph is most consistent with which condition?", ["Rheumatoid arthritis", "Gout", "Psoriatic arthritis", "Osteoarthritis", "Scleroderma"], "B", "Punched-out juxta-articular erosions with overhanging edges at the first metatarsophalangeal joint."),
 ("LTG", "rare disease", "diagnosis", "MRI", "Nervous", "Which diagnosis fits these brain MRI findings?", ["Multiple sclerosis", "Neuromyelitis optica", "Acute disseminated encephalomyelitis", "Small vessel disease", "Progressive multifocal leukoencephalopathy"], "A", "Ovoid periventricular T2 lesions perpendicular to the lateral ventricles (Dawson fingers)."),
 ("LTG", "rare disease", "diagnosis", "Endoscopy", "Digestive", "What does the endoscopic image show?", ["Barrett oesophagus", "Oesophageal varices", "Candida oesophagitis", "Eosinophilic oesophagitis", "Achalasia"], "D", "Concentric mucosal rings and longitudinal furrows along the oesophagus."),
 ("LTG", "rare disease", "diagnosis", "CT", "Respiratory", "What pattern does the chest CT show?", ["Usual interstitial pneumonia", "Lymphangioleiomyomatosis", "Centrilobular emphysema", "Pulmonary Langerhans cell histiocytosis", "Bronchiectasis"], "B", "Numerous thin-walled round cysts evenly spread through both lungs in a young woman."),
 ("LTG", "rare disease", "diagnosis", "Echocardiography", "Cardiovascular", "What is the diagnosis on this echocardiogram?", ["Hypertrophic cardiomyopathy", "Dilated cardiomyopathy", "Left atrial myxoma", "Pericardial effusion", "Aortic stenosis"], "C", "Mobile echogenic mass attached to the interatrial septum prolapsing through the mitral valve."),
 ("LTG", "rare disease", "diagnosis", "PET-CT", "Lymphatic", "Which diagnosis is most likely?", ["Hodgkin lymphoma", "Sarcoidosis", "Tuberculosis", "Metastatic melanoma", "Castleman disease"], "A", "FDG-avid contiguous mediastinal and supraclavicular lymph nodes in a young adult."),
 ("CR", "cause", "reasoning", "X-ray", "Respiratory", "What most likely caused the finding on this post-procedure radiograph?", ["Central line placement", "Bronchoscopy", "Thoracentesis", "Endotracheal intubation", "Nasogastric tube placement"], "A", "New apical pneumothorax after insertion of a right subclavian venous catheter."),
 ("CR", "cause", "reasoning", "CT", "Cardiovascular", "Which mechanism explains the CT findings?", ["Aortic dissection", "Atherosclerotic aneurysm", "Mycotic aneurysm", "Penetrating ulcer", "Traumatic transection"], "A", "Intimal flap separating true and false lumens in the ascending and descending aorta."),
 ("CR", "cause", "reasoning", "MRI", "Nervous", "What is the most likely cause of the lesion?", ["Toxoplasmosis", "Primary CNS lymphoma", "Glioblastoma", "Metastasis", "Abscess"], "E", "Ring-enhancing lesion with central restricted diffusion and a smooth T2-dark rim."),
 ("CR", "cause", "reasoning", "Ultrasound", "Reproductive", "What is the most likely cause of the pelvic pain?", ["Ovarian torsion", "Ectopic pregnancy", "Ruptured corpus luteum", "Endometrioma", "Tubo-ovarian abscess"], "A", "Enlarged oedematous ovary with peripheral follicles and no Doppler flow."),
 ("CR", "cause", "reasoning", "CT", "Urinary", "Which cause of the hydronephrosis is shown?", ["Ureteric calculus", "Bladder carcinoma", "Retroperitoneal fibrosis", "Pelviureteric junction obstruction", "Prostatic hypertrophy"], "A", "Hyperdense 6 mm focus in the distal left ureter with upstream dilatation."),
 ("CR", "cause", "reasoning", "X-ray", "Digestive", "What is the most likely cause of the obstruction?", ["Adhesions", "Sigmoid volvulus", "Gallstone ileus", "Incarcerated hernia", "Colorectal carcinoma"], "B", "Massively dilated inverted-U loop of colon arising from the pelvis (coffee-bean sign)."),
 ("CR", "cause", "reasoning", "Histopathology", "Endocrine", "What underlies the thyroid findings?", ["Hashimoto thyroiditis", "Graves disease", "Papillary carcinoma", "Follicular adenoma", "Subacute thyroiditis"], "C", "Papillae with optically clear nuclei, nuclear grooves and psammoma bodies."),
 ("SOD", "small lesion", "finding", "CT", "Respiratory", "Where is the small pulmonary nodule?", ["Right upper lobe", "Right middle lobe", "Right lower lobe", "Left upper lobe", "Left lower lobe"], "D", "A 5 mm solid nodule in the anterior segment of the left upper lobe."),
 ("SOD", "small lesion", "finding", "Mammography", "Reproductive", "What small finding is present?", ["Clustered microcalcifications", "Architectural distortion", "Skin thickening", "Benign lymph node", "No abnormality"], "A", "A cluster of fine pleomorphic calcifications in the upper outer quadrant."),
 ("SOD", "small lesion", "finding", "X-ray", "Musculoskeletal", "Which subtle fracture is visible?", ["Scaphoid waist fracture", "Distal radius fracture", "Triquetral avulsion", "Hamate hook fracture", "No fracture"], "A", "Thin lucent line across the waist of the scaphoid."),
 ("SOD", "small lesion", "finding", "MRI", "Endocrine", "Where is the small lesion?", ["Left side of the pituitary gland", "Optic chiasm", "Pituitary stalk", "Right cavernous sinus", "Pineal gland"], "A", "A 4 mm hypoenhancing focus in the left half of the pituitary on dynamic contrast imaging."),
 ("SOD", "small lesion", "finding", "Fundus photography", "Sensory", "Which small lesion is seen?", ["Microaneurysms", "Drusen", "Cotton wool spot", "Choroidal naevus", "Retinal tear"], "A", "Scattered tiny red dots temporal to the macula."),
 ("FDD", "fine detail", "finding", "CT", "Nervous", "Which sign is present?", ["Hyperdense middle cerebral artery sign", "Loss of grey-white differentiation", "Midline shift", "Hydrocephalus", "Calcified falx"], "A", "Linear hyperdensity of the proximal left middle cerebral artery."),
 ("FDD", "fine detail", "finding", "X-ray", "Cardiovascular", "Which detail is seen on the radiograph?", ["Kerley B lines", "Rib notching", "Double density", "Calcified pericardium", "Westermark sign"], "B", "Inferior rib notching of ribs 4 to 8 on both sides."),
 ("FDD", "fine detail", "finding", "Dermoscopy", "Integumentary", "Which dermoscopic structure dominates?", ["Atypical pigment network", "Milia-like cysts", "Lacunae", "Central white patch", "Leaf-like areas"], "B", "Many small white round structures and comedo-like openings."),
 ("FDD", "fine detail", "finding", "Histopathology", "Hematologic", "What does the blood film show?", ["Schistocytes", "Spherocytes", "Target cells", "Sickle cells", "Teardrop cells"], "D", "Crescent-shaped red cells on a peripheral smear."),
 ("MSI", "multi-source", "integration", "CT", "Digestive", "Given raised lipase and the CT, what is the diagnosis?", ["Acute interstitial pancreatitis", "Necrotising pancreatitis", "Pancreatic adenocarcinoma", "Pseudocyst", "Autoimmune pancreatitis"], "B", "Non-enhancing areas in over a third of the pancreatic body with peripancreatic fluid."),
 ("MSI", "multi-source", "integration", "MRI", "Cardiovascular", "With troponin rise and normal coronaries, what does cardiac MRI suggest?", ["Myocarditis", "Myocardial infarction", "Takotsubo cardiomyopathy", "Amyloidosis", "Sarcoidosis"], "A", "Subepicardial late gadolinium enhancement of the lateral wall with oedema."),
 ("MSI", "multi-source", "integration", "X-ray", "Respiratory", "Fever, cough and this radiograph suggest what?", ["Right middle lobe pneumonia", "Right lower lobe pneumonia", "Lung abscess", "Pulmonary oedema", "Sarcoidosis"], "A", "Opacity obscuring the right heart border with a preserved hemidiaphragm."),
 ("MSI", "multi-source", "integration", "Ultrasound", "Digestive", "With fever and jaundice, what does the ultrasound show?", ["Acute cholecystitis", "Choledocholithiasis", "Cholangiocarcinoma", "Liver abscess", "Gallbladder polyp"], "B", "Dilated common bile duct with an echogenic shadowing focus in its distal part."),
 ("SU", "spatial", "localisation", "CT", "Digestive", "Where is the liver lesion?", ["Segment II", "Segment IV", "Segment VI", "Segment VII", "Segment VIII"], "E", "Hypodense lesion superior and anterior in the right lobe, below the dome of the diaphragm."),
 ("SU", "spatial", "localisation", "MRI", "Musculoskeletal", "Which structure is torn?", ["Anterior cruciate ligament", "Posterior cruciate ligament", "Medial collateral ligament", "Lateral meniscus", "Patellar tendon"], "A", "Discontinuous fibres between the lateral femoral condyle and the tibial spine."),
 ("SU", "spatial", "localisation", "Angiography", "Cardiovascular", "Which artery is occluded?", ["Left anterior descending artery", "Left circumflex artery", "Right coronary artery", "Left main artery", "Posterior descending artery"], "C", "Abrupt cut-off of the vessel running in the right atrioventricular groove."),
 ("TP", "progression", "prognosis", "CT", "Respiratory", "If untreated, how is this finding most likely to evolve?", ["Tension pneumothorax", "Spontaneous resolution", "Empyema", "Lung abscess", "Bronchopleural fistula"], "A", "Large left pneumothorax with early rightward mediastinal shift."),
 ("TP", "progression", "prognosis", "MRI", "Nervous", "What is the expected course of this lesion?", ["Slow growth over years", "Rapid malignant transformation", "Spontaneous regression", "Calcification within weeks", "Haemorrhage within days"], "A", "Extra-axial dural-based mass with a dural tail and homogeneous enhancement."),
 ("TP", "progression", "prognosis", "X-ray", "Musculoskeletal", "What complication is this fracture most at risk of?", ["Avascular necrosis", "Compartment syndrome", "Fat embolism", "Heterotopic ossification", "Malunion"], "A", "Displaced subcapital fracture of the femoral neck."),
]
assert len(ITEMS) == 40

# Parameter counts (billions) of the fictional models, for the size-against-score figure (Med-CMR Figure 3).
SIZES = {"demo-general-7b": 7, "demo-medical-7b": 7, "demo-large-72b": 72}

MODELS = {"demo-general-7b": 0.45, "demo-medical-7b": 0.55, "demo-large-72b": 0.75}
LETTERS = "ABCDE"


def reply(rng, item, model, correct_p):
    _, _, _, _, _, _, opts, answer, vd = item
    letter = answer if rng.random() < correct_p else rng.choice([x for x in LETTERS if x != answer])
    text = opts[LETTERS.index(letter)]
    other = rng.choice([x for x in LETTERS if x != letter])
    roll = rng.random()
    if model == "demo-general-7b":
        # terse, sometimes chatty, some unreadable replies
        if roll < 0.55: return letter
        if roll < 0.70: return f"{letter}) {text}"
        if roll < 0.80: return f"The answer is {letter}, not {other}."
        if roll < 0.86: return f"{letter} or {other}"  # ambiguous: invalid
        if roll < 0.92: return "A patient with these findings needs further imaging to decide."  # no letter
        return f"**{letter.lower()}**"
    if model == "demo-medical-7b":
        # the Med-CMR "Reasoning: ... Answer: X" format
        if roll < 0.70: return f"Reasoning: {vd} Option {other} does not explain this finding.\nAnswer: {letter}"
        if roll < 0.80: return f"Reasoning: {vd}\nAnswer: {text}"
        if roll < 0.88: return f"分析：{vd}\n答案：{chr(0xFF21 + LETTERS.index(letter))}"
        if roll < 0.94: return f"Reasoning: {vd}\nAnswer:"  # empty answer line: invalid
        return ""  # empty reply
    # demo-large-72b: a reasoning model
    if roll < 0.75: return f"<think>{vd} Could it be {other}? No.</think>\nAnswer: **{letter}**"
    if roll < 0.90: return f"The image shows: {vd} Therefore, the correct answer is ({letter})."
    if roll < 0.96: return f"$\\boxed{{{letter}}}$"
    return f"<think>{vd} Option {other} is unlikely; comparing with option"  # cut off: invalid


def main():
    rng = random.Random(20260101)
    items = []
    for k, it in enumerate(ITEMS):
        task, subtype, qtype, modality, organ, question, opts, answer, vd = it
        index = 1001 + k * 7
        row = {"index": index, "question": question, "image_path": f"imgs/{index}.png"}
        row.update({LETTERS[i]: o for i, o in enumerate(opts)})
        row.update({"answer": answer, "visual_description": vd, "task": task, "subtype": subtype,
                    "question type": qtype, "modality": modality, "organ system": organ})
        items.append(row)
    with open("cmed.copy.mcq_cate.cleaned.json", "w", encoding="utf-8") as f:
        json.dump(items, f, ensure_ascii=False, indent=1)
        f.write("\n")
    with open("responses.jsonl", "w", encoding="utf-8") as f:
        for model, p in MODELS.items():
            for it, row in zip(ITEMS, items):
                if model == "demo-general-7b" and rng.random() < 0.05:
                    continue  # no reply at all: a `missing` record
                out = reply(rng, it, model, p)
                f.write(json.dumps({"item_id": f"mcq-{row['index']}", "model": model, "output": out, "meta": {"size": SIZES[model]}}, ensure_ascii=False) + "\n")


if __name__ == "__main__":
    main()
