/// Names for the fictional people of the sample Comune: common Italian given names and surnames, and a few
/// from the families that live in Italian towns today.
enum SampleNames {
    static let surnames = [
        "Rossi", "Russo", "Ferrari", "Esposito", "Bianchi", "Romano", "Colombo", "Ricci", "Marino", "Greco",
        "Bruno", "Gallo", "Conti", "De Luca", "Mancini", "Costa", "Giordano", "Rizzo", "Lombardi", "Moretti",
        "Barbieri", "Fontana", "Santoro", "Mariani", "Rinaldi", "Caruso", "Ferrara", "Galli", "Martini", "Leone",
        "Longo", "Gentile", "Martinelli", "Vitale", "Lombardo", "Serra", "Coppola", "De Santis", "D'Angelo", "Marchetti",
        "Parisi", "Villa", "Conte", "Ferraro", "Ferri", "Fabbri", "Bianco", "Marini", "Grasso", "Valentini",
        "Messina", "Sala", "De Angelis", "Gatti", "Pellegrini", "Palumbo", "Sanna", "Farina", "Rizzi", "Monti",
        "Cattaneo", "Morelli", "Amato", "Silvestri", "Mazza", "Testa", "Grassi", "Pellegrino", "Carbone", "Giuliani",
        "Benedetti", "Barone", "Rossetti", "Caputo", "Montanari", "Guerra", "Palmieri", "Bernardi", "Martino", "Fiore",
        "De Rosa", "Ferretti", "Bellini", "Basile", "Riva", "Donati", "Piras", "Vitali", "Battaglia", "Sartori",
        "Neri", "Costantini", "Milani", "Pagano", "Ruggiero", "Sorrentino", "D'Amico", "Orlando", "Damico", "Negri",
        "Zanetti", "Zanon", "Pavan", "Bortolin", "Dal Bello", "Favaro", "Trevisan", "Zorzi", "Menegazzo", "Furlan",
        "Popescu", "Ionescu", "Hoxha", "Shehu", "El Amrani", "Benali", "Chen", "Wang", "Kovalenko", "Singh",
    ]

    static let femaleNames = [
        "Sofia", "Aurora", "Giulia", "Ginevra", "Vittoria", "Beatrice", "Alice", "Ludovica", "Emma", "Matilde",
        "Anna", "Camilla", "Chiara", "Giorgia", "Bianca", "Nicole", "Greta", "Gaia", "Martina", "Azzurra",
        "Arianna", "Sara", "Noemi", "Isabel", "Rebecca", "Chloe", "Adele", "Mia", "Elena", "Marta",
        "Francesca", "Laura", "Valentina", "Federica", "Silvia", "Paola", "Elisa", "Roberta", "Monica", "Barbara",
        "Ioana", "Amira", "Lin", "Olena",
    ]

    static let maleNames = [
        "Leonardo", "Francesco", "Tommaso", "Edoardo", "Alessandro", "Lorenzo", "Mattia", "Gabriele", "Riccardo", "Andrea",
        "Diego", "Nicolò", "Matteo", "Giuseppe", "Federico", "Antonio", "Enea", "Samuele", "Giovanni", "Pietro",
        "Filippo", "Davide", "Giulio", "Gioele", "Christian", "Michele", "Emanuele", "Marco", "Luca", "Paolo",
        "Stefano", "Roberto", "Massimo", "Fabio", "Simone", "Daniele", "Alberto", "Giorgio", "Enrico", "Claudio",
        "Andrei", "Youssef", "Wei", "Taras",
    ]

    /// Birthplaces (codici catastali / Belfiore): towns of the area, large cities, and foreign countries (Z…).
    static let birthplaces = [
        "L407", "L407", "L407", "L407", "G224", "G224", "L736", "L840", "L781", "F205",
        "H501", "F839", "L219", "A944", "Z129", "Z100", "Z330", "Z210", "Z138",
    ]

    static let streets = [
        "Via Roma", "Via Garibaldi", "Via Mazzini", "Via Dante Alighieri", "Via Verdi", "Via Marconi", "Via Cavour",
        "Viale della Repubblica", "Via San Martino", "Via dei Tigli", "Via delle Rose", "Via Montegrappa",
        "Via Piave", "Via XX Settembre", "Via Manzoni", "Via Santa Lucia", "Via dei Mulini", "Via Boschetto",
    ]
}
