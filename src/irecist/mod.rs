//! RECIST 1.1 and iRECIST response classification from lesion measurements, and the abscopal
//! classification of non-irradiated lesions.
