package i18n

// The errors of other packages that a user of the command line meets
// as the cause of a refusal: --period-range (domain.ParsePeriodRange),
// the cycle report's arguments (projections/report), the URLs of
// --store, --bus and --follow and the connections they name
// (eventstore/natsbus, eventstore/kurrentdb), a mapping file that is
// not JSON (domain/importer), and the problems `supplyeval check` finds
// in the embedded event store (eventstore/embedded). The English is the
// text these packages have always written.
func init() {
	register(cliMoreEN, cliMoreFR)
}

var cliMoreEN = map[string]string{
	// domain/period.go: PeriodRange.
	"cli2.period-range.form":  "period range %q: expected two years as FROM:TO, for example 1900:2100",
	"cli2.period-range.years": "period range %s: the years must lie between %d and %d",
	"cli2.period-range.order": "period range %s: the first year is after the last",

	// projections/report.
	"cli2.report.format":        "%q is not a report format (json, markdown or html)",
	"cli2.report.lang":          "%q is not a report language (en or fr)",
	"cli2.report.cycle.unknown": "evaluation cycle %q has not been opened",
	"cli2.report.cycle.nopin":   "evaluation cycle %q has no pinned evidence: there is no earlier position to compare with",
	"cli2.report.position":      "no event at position %d",

	// eventstore: its errors given as the cause of another.
	"cli2.store.version":     "wrong expected version",
	"cli2.store.nostream":    "stream not found",
	"cli2.store.empty":       "append of no events",
	"cli2.store.stream":      "invalid stream name",
	"cli2.store.closed":      "event store closed",
	"cli2.store.corrupt":     "corrupt event record",
	"cli2.store.unavailable": "event store unavailable",

	// eventstore/natsbus: the --bus and --follow URLs and the connection.
	"cli2.url.bad":            "%q is not a readable URL",
	"cli2.nats.url.parse":     "natsbus: URL: %s",
	"cli2.nats.url.scheme":    "natsbus: URL %q: use nats://host:port (or tls://)",
	"cli2.nats.url.replicas":  "natsbus: URL replicas=%q: not a whole number",
	"cli2.nats.url.max-age":   "natsbus: URL max-age=%q: not a duration such as 720h",
	"cli2.nats.url.max-bytes": "natsbus: URL max-bytes=%q: not a whole number of bytes",
	"cli2.nats.prefix":        "natsbus: prefix %q: use letters, digits, '-' and '_' only",
	"cli2.nats.replicas":      "natsbus: replicas %d: a stream has 1 to 5 replicas",
	"cli2.nats.max-age":       "natsbus: max-age %s: must not be negative (0 keeps events for ever)",
	"cli2.nats.max-bytes":     "natsbus: max-bytes %d: must not be negative (0 keeps every event)",
	"cli2.nats.connect":       "natsbus: connect to %s: %s (is the NATS server running with JetStream?)",
	"cli2.nats.noservers":     "no NATS server answers",
	"cli2.nats.auth":          "the NATS server refuses the credentials",

	// eventstore/kurrentdb: the --store and --follow URLs and the connection.
	"cli2.kurrentdb.scheme":   "kurrentdb: URL %q must start with kurrentdb://, kurrentdb+discover://, esdb:// or esdb+discover://",
	"cli2.kurrentdb.url":      "kurrentdb: connection string %q: %s",
	"cli2.kurrentdb.url.bad":  "not a valid connection string (run again with --lang en for the details)",
	"cli2.kurrentdb.noanswer": "kurrentdb: %s does not answer: %s",
	"cli2.kurrentdb.refused":  "the connection is refused: is a KurrentDB server running at this address?",
	"cli2.kurrentdb.timeout":  "the server did not answer within %s",
	"cli2.kurrentdb.failed":   "the server answered with an error (run again with --lang en for the details)",

	// eventstore/embedded: a damaged record, and what check finds.
	"cli2.record.corrupt":       "%s: %s",
	"cli2.record.short":         "%d bytes, shorter than the %d-byte header",
	"cli2.record.checksum":      "checksum mismatch (stored %s, computed %s)",
	"cli2.record.format":        "unknown record format %d",
	"cli2.record.stream":        "empty stream name",
	"cli2.record.lengths":       "field lengths add up to %d bytes, record has %d",
	"cli2.record.at":            "embedded: position %d: %s",
	"cli2.record.elsewhere":     "embedded: position %d holds the record of position %d: %s",
	"cli2.check.key":            "malformed event key %s",
	"cli2.check.missing":        "position %d is missing",
	"cli2.check.missing.range":  "positions %d to %d are missing",
	"cli2.check.missing.head":   "positions %d to %d (the head) are missing",
	"cli2.check.record":         "%v",
	"cli2.check.version":        "stream %s: version %d where version %d was due",
	"cli2.check.log.stopped":    "reading the log stopped at position %d: %v",
	"cli2.check.index.key":      "malformed stream index key %s",
	"cli2.check.index.entry":    "stream %s version %d: unreadable index entry (%v)",
	"cli2.check.index.norecord": "the stream index names stream %s version %d at position %d, which holds no such record",
	"cli2.check.index.moved":    "the stream index puts stream %s version %d at position %d; the record is at %d",
	"cli2.check.index.stopped":  "reading the stream index stopped: %v",
	"cli2.check.index.none":     "stream %s version %d (position %d) has no entry in the stream index",
	"cli2.check.last.none":      "stream %s: no last-version entry (%v); the records end at version %d",
	"cli2.check.last.short":     "stream %s: the last-version index says %d, the records reach %d",

	// domain/importer: a JSON mapping file encoding/json cannot read.
	"cli2.json.eof":          "unexpected EOF",
	"cli2.json.char":         "invalid character %s %s",
	"cli2.json.ctx.value":    "looking for beginning of value",
	"cli2.json.ctx.key":      "after object key",
	"cli2.json.ctx.pair":     "after object key:value pair",
	"cli2.json.ctx.element":  "after array element",
	"cli2.json.ctx.keystart": "looking for beginning of object key string",
	"cli2.json.ctx.string":   "in string literal",
	"cli2.json.ctx.number":   "in numeric literal",
	"cli2.json.ctx.top":      "after top-level value",
	"cli2.json.type":         "json: cannot unmarshal %s into Go struct field %s.%s of type %s",
	"cli2.json.field":        "json: unknown field %q",
	"cli2.json.kind.number":  "number",
	"cli2.json.kind.string":  "string",
	"cli2.json.kind.bool":    "bool",
	"cli2.json.kind.array":   "array",
	"cli2.json.kind.object":  "object",
}

var cliMoreFR = map[string]string{
	"cli2.period-range.form":  "intervalle de périodes %q : deux années sont attendues sous la forme DÉBUT:FIN, par exemple 1900:2100",
	"cli2.period-range.years": "intervalle de périodes %s : les années doivent être comprises entre %d et %d",
	"cli2.period-range.order": "intervalle de périodes %s : la première année est postérieure à la dernière",

	"cli2.report.format":        "%q n'est pas un format de rapport (json, markdown ou html)",
	"cli2.report.lang":          "%q n'est pas une langue de rapport (en ou fr)",
	"cli2.report.cycle.unknown": "le cycle d'évaluation %q n'a pas été ouvert",
	"cli2.report.cycle.nopin":   "le cycle d'évaluation %q n'a pas d'éléments de preuve figés : il n'existe aucune position antérieure à laquelle le comparer",
	"cli2.report.position":      "aucun événement à la position %d",

	"cli2.store.version":     "version attendue erronée",
	"cli2.store.nostream":    "flux introuvable",
	"cli2.store.empty":       "ajout sans aucun événement",
	"cli2.store.stream":      "nom de flux non valide",
	"cli2.store.closed":      "stockage des événements fermé",
	"cli2.store.corrupt":     "enregistrement d'événement altéré",
	"cli2.store.unavailable": "stockage des événements indisponible",

	"cli2.url.bad":            "%q n'est pas une adresse lisible",
	"cli2.nats.url.parse":     "natsbus : adresse : %s",
	"cli2.nats.url.scheme":    "natsbus : adresse %q : indiquez nats://hôte:port (ou tls://)",
	"cli2.nats.url.replicas":  "natsbus : adresse, replicas=%q : nombre entier attendu",
	"cli2.nats.url.max-age":   "natsbus : adresse, max-age=%q : durée attendue, par exemple 720h",
	"cli2.nats.url.max-bytes": "natsbus : adresse, max-bytes=%q : nombre entier d'octets attendu",
	"cli2.nats.prefix":        "natsbus : préfixe %q : n'utilisez que des lettres, des chiffres, « - » et « _ »",
	"cli2.nats.replicas":      "natsbus : replicas %d : un flux compte de 1 à 5 répliques",
	"cli2.nats.max-age":       "natsbus : max-age %s : ne peut être négatif (0 conserve les événements sans limite de durée)",
	"cli2.nats.max-bytes":     "natsbus : max-bytes %d : ne peut être négatif (0 conserve tous les événements)",
	"cli2.nats.connect":       "natsbus : connexion à %s impossible : %s (le serveur NATS est-il en service, avec JetStream ?)",
	"cli2.nats.noservers":     "aucun serveur NATS ne répond",
	"cli2.nats.auth":          "le serveur NATS refuse les identifiants",

	"cli2.kurrentdb.scheme":   "kurrentdb : l'adresse %q doit commencer par kurrentdb://, kurrentdb+discover://, esdb:// ou esdb+discover://",
	"cli2.kurrentdb.url":      "kurrentdb : chaîne de connexion %q : %s",
	"cli2.kurrentdb.url.bad":  "chaîne de connexion non valide (relancez avec --lang en pour en obtenir le détail)",
	"cli2.kurrentdb.noanswer": "kurrentdb : %s ne répond pas : %s",
	"cli2.kurrentdb.refused":  "la connexion est refusée : un serveur KurrentDB est-il en service à cette adresse ?",
	"cli2.kurrentdb.timeout":  "le serveur n'a pas répondu dans le délai de %s",
	"cli2.kurrentdb.failed":   "le serveur a répondu par une erreur (relancez avec --lang en pour en obtenir le détail)",

	"cli2.record.corrupt":       "%s : %s",
	"cli2.record.short":         "%d octets, soit moins que l'en-tête de %d octets",
	"cli2.record.checksum":      "somme de contrôle discordante (enregistrée %s, calculée %s)",
	"cli2.record.format":        "format d'enregistrement inconnu %d",
	"cli2.record.stream":        "nom de flux vide",
	"cli2.record.lengths":       "la somme des longueurs des champs est de %d octets, l'enregistrement en compte %d",
	"cli2.record.at":            "embedded : position %d : %s",
	"cli2.record.elsewhere":     "embedded : la position %d contient l'enregistrement de la position %d : %s",
	"cli2.check.key":            "clé d'événement malformée %s",
	"cli2.check.missing":        "la position %d manque",
	"cli2.check.missing.range":  "les positions %d à %d manquent",
	"cli2.check.missing.head":   "les positions %d à %d (la dernière) manquent",
	"cli2.check.record":         "%v",
	"cli2.check.version":        "flux %s : version %d là où la version %d était attendue",
	"cli2.check.log.stopped":    "la lecture du journal s'est arrêtée à la position %d : %v",
	"cli2.check.index.key":      "clé d'index de flux malformée %s",
	"cli2.check.index.entry":    "flux %s, version %d : entrée d'index illisible (%v)",
	"cli2.check.index.norecord": "l'index des flux situe le flux %s, version %d, à la position %d, qui ne contient pas cet enregistrement",
	"cli2.check.index.moved":    "l'index des flux situe le flux %s, version %d, à la position %d ; l'enregistrement se trouve à la position %d",
	"cli2.check.index.stopped":  "la lecture de l'index des flux s'est arrêtée : %v",
	"cli2.check.index.none":     "le flux %s, version %d (position %d), n'a pas d'entrée dans l'index des flux",
	"cli2.check.last.none":      "flux %s : aucune entrée de dernière version (%v) ; les enregistrements s'arrêtent à la version %d",
	"cli2.check.last.short":     "flux %s : l'index des dernières versions indique %d, les enregistrements atteignent %d",

	"cli2.json.eof":          "fin de fichier inattendue (le JSON est incomplet)",
	"cli2.json.char":         "caractère %s inattendu %s",
	"cli2.json.ctx.value":    "là où une valeur doit commencer",
	"cli2.json.ctx.key":      "après une clé d'objet",
	"cli2.json.ctx.pair":     "après une paire clé:valeur",
	"cli2.json.ctx.element":  "après un élément de tableau",
	"cli2.json.ctx.keystart": "là où une clé d'objet doit commencer",
	"cli2.json.ctx.string":   "dans une chaîne de caractères",
	"cli2.json.ctx.number":   "dans un nombre",
	"cli2.json.ctx.top":      "après la valeur de premier niveau",
	"cli2.json.type":         "json : une valeur %s ne peut être lue dans le champ %s.%s, de type %s",
	"cli2.json.field":        "json : champ inconnu %q",
	"cli2.json.kind.number":  "numérique",
	"cli2.json.kind.string":  "textuelle",
	"cli2.json.kind.bool":    "booléenne",
	"cli2.json.kind.array":   "de tableau",
	"cli2.json.kind.object":  "d'objet",
}
