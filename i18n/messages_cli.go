package i18n

// The command line's help (cmd/supplyeval): the overview that
// `supplyeval --help` prints, each command's synopsis, summary and
// example, and the description of every flag. A flag's text is looked up
// as "cli.flag.COMMAND.FLAG", then "cli.flag.FLAG" (flags several
// commands share). Command lines, flag names and values stay as typed.

func init() { register(cliEN, cliFR) }

var cliEN = map[string]string{
	"cli.help.usage":   "Usage: supplyeval %s",
	"cli.help.flags":   "Flags:",
	"cli.help.example": "Example:",
	"cli.help.default": "(default %s)",
	"cli.error.usage":  "supplyeval: %s",

	"cli.usage": `supplyeval: evidence on what supply-side drug interventions did.

Usage:
  supplyeval serve   [--data DIR] [--addr HOST:PORT] [--tokens FILE] [--rate N] [--burst N] [--demo]
                     [--store URL] [--bus URL] [--follow URL] [--period-range FROM:TO]
                     [--log-level L] [--log-format json|console]
  supplyeval demo    [--data DIR] [--log-level L] [--log-format json|console]
  supplyeval token   --name NAME --roles R1,R2 --clearance PUBLIC|RESTRICTED|CONFIDENTIAL
  supplyeval import  [--data DIR | --server URL] [--mapping FILE] [--indicator CODE] [--region COL]
                     [--region-code CODE] [--period COL] [--month COL] [--value COL] [--wide REGEXP]
                     [--set KEY=VALUE]... [--format csv|sdmx|jsonl] [--skip-invalid] FILE...
  supplyeval report  --cycle ID --format html|markdown|json [--lang en|fr] [-o FILE] [--data DIR]
  supplyeval check   [--data DIR]
  supplyeval probe   [--url http://127.0.0.1:8080/readyz]
  supplyeval ingest-replay --bus nats://HOST:PORT [--dry-run]
  supplyeval version

serve    runs the web application (http://ADDR/) and the GraphQL API (GraphiQL at
         http://ADDR/graphql); --demo seeds the demo world first if the data directory is
         empty. Without --tokens it serves loopback only, and every request acts as the
         local user.
token    makes a bearer token and prints it with the entry that admits it in a
         --tokens file (the file holds only the token's SHA-256).
demo     seeds the demo world into the data directory (a second run records nothing new).
import   records indicator tables (CSV, SDMX-CSV, JSON lines): every row is validated
         first and a file goes in whole or not at all (--skip-invalid records the valid
         rows and writes the others to FILE.rejects.csv); importing again records nothing new.
report   writes an evaluation cycle's report, read at its pinned evidence position
         (the same bytes every time; an unpinned open cycle gives a labelled preview).
check    reads every event and every read-model snapshot of a data directory no server
         holds, reports what is damaged with positions and files, and exits 1 if anything is.
ingest-replay  publishes the batches set aside on the NATS poison subject again, once what
         made them fail is fixed.
probe    asks a running node's /readyz (or --url) and exits 0 when it answers 200, 1
         otherwise: a health check for containers without curl.
version  prints the version.

serve --store kurrentdb://... keeps the log in KurrentDB; --bus nats://... forwards it to
NATS JetStream and records observation batches published on PREFIX.ingest (bad ones go
to PREFIX.ingest.poison); --follow nats://... runs a read replica that builds its read
models from the forwarded log and refuses writes, naming the primary.
serve --period-range FROM:TO (default 1900:2100; import --data takes it too) sets the years
observations may be recorded for; a row outside them is refused and nothing is recorded.

supplyeval COMMAND --help describes a command. --lang fr (or LANG=fr_FR.UTF-8) gives the
help in French.
`,

	"cli.serve.synopsis": "serve [--data DIR] [--addr HOST:PORT] [--tokens FILE] [--demo] [--store URL] [--bus URL] [--follow URL] [flags]",
	"cli.serve.summary": "Runs the web application (http://ADDR/) and the GraphQL API (GraphiQL at http://ADDR/graphql)\n" +
		"over the data directory. Without --tokens it listens on loopback only and every request acts\n" +
		"as the local user. --demo seeds the demo world first when the data directory is empty.",
	"cli.serve.example": "supplyeval serve --demo --data ./data --addr 127.0.0.1:8080 --log-format console",

	"cli.demo.synopsis": "demo [--data DIR]",
	"cli.demo.summary":  "Seeds the demo world (regions, indicators, operations, policy changes) into the data\ndirectory. A second run records nothing new. No server may hold the directory meanwhile.",
	"cli.demo.example":  "supplyeval demo --data ./data",

	"cli.import.synopsis": "import [--data DIR | --server URL] [--mapping FILE] [mapping flags] [--skip-invalid] FILE...",
	"cli.import.summary": "Records indicator tables (CSV, SDMX-CSV, JSON lines). Every row is checked first and a\n" +
		"file goes in whole or not at all; --skip-invalid records the valid rows and writes the\n" +
		"others to FILE.rejects.csv. Importing the same file again records nothing new.\n" +
		"Use --server to import into a running server; --data needs the directory to itself.\n" +
		"Boundary files (GeoJSON, TopoJSON: Eurostat GISCO's NUTS files, EPSG:4326) record the outline\n" +
		"of each region named by NUTS_ID (or --boundary-id), simplified by --simplify degrees.",
	"cli.import.example": "supplyeval import --data ./data --indicator CIGSALE --region state --period year --value cigsale prop99.csv",

	"cli.report.synopsis": "report --cycle ID [--format html|markdown|json] [--lang en|fr] [-o FILE] [--data DIR]",
	"cli.report.summary": "Writes an evaluation cycle's report, read at the cycle's pinned evidence position (the same\n" +
		"bytes every time). An open cycle without a pin gives a report labelled as a preview.",
	"cli.report.example": "supplyeval report --data ./data --cycle 2026-cycle --format html -o cycle-report.html",

	"cli.check.synopsis": "check [--data DIR]",
	"cli.check.summary": "Reads every event of the data directory's log (checksums, positions 1 to the head without\n" +
		"a gap, stream versions and indexes) and every read-model snapshot, prints what is damaged\n" +
		"with its position or file, and exits 1 if anything is. Stop the server first.",
	"cli.check.example": "supplyeval check --data ./data",

	"cli.ingest-replay.synopsis": "ingest-replay --bus nats://HOST:PORT[?prefix=P] [--dry-run]",
	"cli.ingest-replay.summary": "Publishes the observation batches that were set aside on the poison subject again on the\n" +
		"ingest subject, and removes them from the poison subject; run it once what made them fail is\n" +
		"fixed (an indicator defined, a store back). A batch that fails again is set aside again.\n" +
		"Exit status: 0 done, 1 the bus could not be read or written, 2 a bad command line.",
	"cli.ingest-replay.example": "supplyeval ingest-replay --bus nats://nats:4222 --dry-run",

	"cli.probe.synopsis": "probe [--url URL] [--timeout D]",
	"cli.probe.summary":  "Asks a running node's /readyz (or the probe --url names) and exits 0 when it answers\n200, 1 otherwise, printing its answer: a health check for containers that have no curl.",
	"cli.probe.example":  "supplyeval probe --url http://127.0.0.1:8080/readyz",

	"cli.token.synopsis": "token --name NAME --roles R1,R2 [--clearance PUBLIC|RESTRICTED|CONFIDENTIAL]",
	"cli.token.summary": "Makes a bearer token, prints it once, and prints the entry that admits it in a --tokens\n" +
		"file (the file keeps only the token's SHA-256).",
	"cli.token.example": "supplyeval token --name analyst-nl --roles ANALYST --clearance RESTRICTED",

	// Flags several commands share.
	"cli.flag.data":                "data directory",
	"cli.flag.log-level":           "log level: debug, info, warn, error",
	"cli.flag.log-format":          "log format: json or console",
	"cli.flag.lang":                "language of the help: en or fr (default: from LC_ALL, LC_MESSAGES or LANG, else English)",
	"cli.flag.period-range":        "years FROM:TO that recorded periods must lie in; observations outside are refused",
	"cli.flag.read-header-timeout": "time a client has to send a request's headers",
	"cli.flag.read-timeout":        "time a client has to send a whole request, body included",
	"cli.flag.write-timeout":       "time from a request's headers to the end of its answer (more than --read-timeout plus 60 s of work)",
	"cli.flag.idle-timeout":        "time a kept-alive connection may wait for its next request",
	// serve
	"cli.flag.serve.addr":             "listen address (loopback only without --tokens)",
	"cli.flag.serve.tokens":           "file of principals and their token hashes (see supplyeval token)",
	"cli.flag.serve.rate":             "requests per second each principal may make (with --tokens; 0: no limit)",
	"cli.flag.serve.burst":            "requests a principal may make at once above its rate",
	"cli.flag.serve.demo":             "seed the demo world first if the data directory is empty",
	"cli.flag.serve.store":            "event store: empty for the embedded store in --data, or kurrentdb://host:2113?tls=true (esdb:// too)",
	"cli.flag.serve.bus":              "NATS JetStream to forward the log to and take observation batches from: nats://host:4222[?prefix=P]",
	"cli.flag.serve.follow":           "run as a read replica: of the log forwarded on NATS JetStream (nats://host:4222[?prefix=P]), or of the log in KurrentDB through its own subscription (kurrentdb://host:2113?tls=...)",
	"cli.flag.serve.min-free-mb":      "MiB the embedded store keeps free on its disk: below it writes are refused (503) and reads go on",
	"cli.flag.serve.ingest-retry-for": "with --bus: how long a batch that meets a transient failure (store away) is retried before it goes to the poison subject",
	"cli.flag.serve.ready-lag":        "events the read models may be behind the log for /readyz to answer 200",
	"cli.flag.serve.reserve-mb":       "MiB of reserve file the embedded store gives back to a nearly full disk (0: none)",
	// import
	"cli.flag.import.server":           "URL of a running server (http://127.0.0.1:8080) instead of --data",
	"cli.flag.import.token":            "bearer token for --server (default $SUPPLYEVAL_TOKEN)",
	"cli.flag.import.mapping":          "mapping file (JSON or key=value lines)",
	"cli.flag.import.set":              "mapping key=value (repeatable; e.g. --set values.cigsale=CIGSALE)",
	"cli.flag.import.format":           "csv, sdmx, jsonl, geojson or topojson (default: from the file name and header)",
	"cli.flag.import.simplify":         "boundary files: simplification tolerance in degrees (0: none; about 500 m by default)",
	"cli.flag.import.boundary-id":      "boundary files: the property holding the region code (default NUTS_ID, then the feature id, then id)",
	"cli.flag.import.indicator":        "indicator code of every row",
	"cli.flag.import.indicator-column": "column holding each row's indicator",
	"cli.flag.import.region":           "column holding the region",
	"cli.flag.import.region-code":      "region code of every row",
	"cli.flag.import.period":           "column holding the period (the year when --month is given)",
	"cli.flag.import.month":            "column holding the month number (with --period as the year)",
	"cli.flag.import.value":            "column holding the value",
	"cli.flag.import.wide":             "regular expression matching the period columns of a wide table",
	"cli.flag.import.source":           "source recorded with the observations (default: the file name)",
	"cli.flag.import.skip-invalid":     "record the valid rows and write rejected ones to FILE.rejects.csv",
	// report
	"cli.flag.report.cycle":  "ID of the evaluation cycle",
	"cli.flag.report.format": "html, markdown or json",
	"cli.flag.report.lang":   "language of the help and of the report's HTML and Markdown text: en or fr",
	"cli.flag.report.o":      "write the report to FILE instead of standard output",
	// check, ingest-replay, probe, token
	"cli.flag.ingest-replay.bus":     "the NATS URL the primary's --bus names (required)",
	"cli.flag.ingest-replay.dry-run": "only count the batches set aside",
	"cli.flag.probe.url":             "probe URL of a running node: /readyz, or /livez",
	"cli.flag.probe.timeout":         "how long to wait for the answer",
	"cli.flag.token.name":            "the principal's name (recorded in every event it causes)",
	"cli.flag.token.roles":           "comma-separated roles: RECORDER, ANALYST, STRATEGY, EVALUATOR, ADMIN, PUBLIC",
	"cli.flag.token.clearance":       "clearance: PUBLIC, RESTRICTED or CONFIDENTIAL",
}

var cliFR = map[string]string{
	"cli.help.usage":   "Utilisation : supplyeval %s",
	"cli.help.flags":   "Options :",
	"cli.help.example": "Exemple :",
	"cli.help.default": "(par défaut : %s)",
	"cli.error.usage":  "supplyeval : %s",

	"cli.usage": `supplyeval : les éléments de preuve sur les effets des interventions contre l'offre de drogues.

Utilisation :
  supplyeval serve   [--data RÉPERTOIRE] [--addr HÔTE:PORT] [--tokens FICHIER] [--rate N] [--burst N] [--demo]
                     [--store URL] [--bus URL] [--follow URL] [--period-range DÉBUT:FIN]
                     [--log-level NIVEAU] [--log-format json|console]
  supplyeval demo    [--data RÉPERTOIRE] [--log-level NIVEAU] [--log-format json|console]
  supplyeval token   --name NOM --roles R1,R2 --clearance PUBLIC|RESTRICTED|CONFIDENTIAL
  supplyeval import  [--data RÉPERTOIRE | --server URL] [--mapping FICHIER] [--indicator CODE] [--region COL]
                     [--region-code CODE] [--period COL] [--month COL] [--value COL] [--wide EXPR]
                     [--set CLÉ=VALEUR]... [--format csv|sdmx|jsonl] [--skip-invalid] FICHIER...
  supplyeval report  --cycle ID --format html|markdown|json [--lang en|fr] [-o FICHIER] [--data RÉPERTOIRE]
  supplyeval check   [--data RÉPERTOIRE]
  supplyeval probe   [--url http://127.0.0.1:8080/readyz]
  supplyeval ingest-replay --bus nats://HÔTE:PORT [--dry-run]
  supplyeval version

serve    lance l'application web (http://ADRESSE/) et l'API GraphQL (GraphiQL à l'adresse
         http://ADRESSE/graphql) ; --demo charge d'abord le monde de démonstration si le
         répertoire de données est vide. Sans --tokens, le serveur n'écoute que sur la boucle
         locale et chaque requête agit au nom de l'utilisateur local.
token    crée un jeton d'accès et l'affiche avec l'entrée qui l'autorise dans un fichier
         --tokens (ce fichier ne conserve que l'empreinte SHA-256 du jeton).
demo     charge le monde de démonstration dans le répertoire de données (une seconde
         exécution n'enregistre rien de nouveau).
import   enregistre des tableaux d'indicateurs (CSV, SDMX-CSV, JSON lines) : chaque ligne est
         d'abord validée et un fichier est enregistré en entier ou pas du tout (--skip-invalid
         enregistre les lignes valides et écrit les autres dans FICHIER.rejects.csv) ; une
         nouvelle importation du même fichier n'enregistre rien de nouveau.
report   produit le rapport d'un cycle d'évaluation, établi à la position de preuve figée du
         cycle (à l'octet près identique à chaque fois ; un cycle ouvert sans position figée
         donne un aperçu signalé comme tel).
check    relit chaque événement et chaque instantané des modèles de lecture d'un répertoire de
         données qu'aucun serveur n'utilise, signale ce qui est endommagé avec sa position ou
         son fichier, et se termine avec le code 1 en cas de dommage.
ingest-replay  republie les lots mis de côté sur le sujet NATS de rejet, une fois corrigée la
         cause de leur échec.
probe    interroge /readyz (ou --url) d'un nœud en service et se termine avec le code 0 s'il
         répond 200, 1 sinon : un contrôle de santé pour les conteneurs dépourvus de curl.
version  affiche la version.

serve --store kurrentdb://... conserve le journal dans KurrentDB ; --bus nats://... le transmet
à NATS JetStream et enregistre les lots d'observations publiés sur PRÉFIXE.ingest (les lots
invalides vont sur PRÉFIXE.ingest.poison) ; --follow nats://... lance une réplique en lecture
seule qui construit ses modèles de lecture à partir du journal transmis et refuse les
écritures en désignant le serveur principal.
serve --period-range DÉBUT:FIN (par défaut 1900:2100 ; import --data l'accepte aussi) fixe les
années pour lesquelles des observations peuvent être enregistrées ; une ligne hors de cet
intervalle est refusée et rien n'est enregistré.

supplyeval COMMANDE --help décrit une commande. --lang en (ou LANG=en_GB.UTF-8) donne l'aide en
anglais.
`,

	"cli.serve.synopsis": "serve [--data RÉPERTOIRE] [--addr HÔTE:PORT] [--tokens FICHIER] [--demo] [--store URL] [--bus URL] [--follow URL] [options]",
	"cli.serve.summary": "Lance l'application web (http://ADRESSE/) et l'API GraphQL (GraphiQL à l'adresse\n" +
		"http://ADRESSE/graphql) sur le répertoire de données. Sans --tokens, le serveur n'écoute que sur\n" +
		"la boucle locale et chaque requête agit au nom de l'utilisateur local. --demo charge d'abord le\n" +
		"monde de démonstration lorsque le répertoire de données est vide.",
	"cli.serve.example": "supplyeval serve --demo --data ./data --addr 127.0.0.1:8080 --log-format console",

	"cli.demo.synopsis": "demo [--data RÉPERTOIRE]",
	"cli.demo.summary": "Charge le monde de démonstration (régions, indicateurs, opérations, changements de politique)\n" +
		"dans le répertoire de données. Une seconde exécution n'enregistre rien de nouveau. Aucun serveur\n" +
		"ne doit utiliser le répertoire pendant ce temps.",
	"cli.demo.example": "supplyeval demo --data ./data",

	"cli.import.synopsis": "import [--data RÉPERTOIRE | --server URL] [--mapping FICHIER] [options de correspondance] [--skip-invalid] FICHIER...",
	"cli.import.summary": "Enregistre des tableaux d'indicateurs (CSV, SDMX-CSV, JSON lines). Chaque ligne est d'abord\n" +
		"vérifiée et un fichier est enregistré en entier ou pas du tout ; --skip-invalid enregistre les\n" +
		"lignes valides et écrit les autres dans FICHIER.rejects.csv. Importer à nouveau le même fichier\n" +
		"n'enregistre rien de nouveau. --server importe dans un serveur en service ; --data exige que\n" +
		"le répertoire ne soit utilisé par aucun autre processus. Les fichiers de limites (GeoJSON,\n" +
		"TopoJSON : fichiers NUTS de GISCO, Eurostat, en EPSG:4326) enregistrent le contour de chaque\n" +
		"région désignée par NUTS_ID (ou --boundary-id), simplifié de --simplify degrés.",
	"cli.import.example": "supplyeval import --data ./data --indicator CIGSALE --region state --period year --value cigsale prop99.csv",

	"cli.report.synopsis": "report --cycle ID [--format html|markdown|json] [--lang en|fr] [-o FICHIER] [--data RÉPERTOIRE]",
	"cli.report.summary": "Produit le rapport d'un cycle d'évaluation, établi à la position de preuve figée du cycle\n" +
		"(à l'octet près identique à chaque fois). Un cycle ouvert sans position figée donne un rapport\n" +
		"signalé comme un aperçu.",
	"cli.report.example": "supplyeval report --data ./data --cycle 2026-cycle --format html --lang fr -o rapport-cycle.html",

	"cli.check.synopsis": "check [--data RÉPERTOIRE]",
	"cli.check.summary": "Relit chaque événement du journal du répertoire de données (sommes de contrôle, positions de 1\n" +
		"à la dernière sans interruption, versions des flux et index) et chaque instantané des modèles de\n" +
		"lecture, affiche ce qui est endommagé avec sa position ou son fichier, et se termine avec le\n" +
		"code 1 en cas de dommage. Arrêtez d'abord le serveur.",
	"cli.check.example": "supplyeval check --data ./data",

	"cli.ingest-replay.synopsis": "ingest-replay --bus nats://HÔTE:PORT[?prefix=P] [--dry-run]",
	"cli.ingest-replay.summary": "Republie sur le sujet d'ingestion les lots d'observations mis de côté sur le sujet de rejet,\n" +
		"puis les retire du sujet de rejet ; à lancer une fois corrigée la cause de leur échec (un\n" +
		"indicateur défini, un stockage rétabli). Un lot qui échoue encore est de nouveau mis de côté.\n" +
		"Code de sortie : 0 terminé, 1 le bus n'a pu être lu ou écrit, 2 ligne de commande incorrecte.",
	"cli.ingest-replay.example": "supplyeval ingest-replay --bus nats://nats:4222 --dry-run",

	"cli.probe.synopsis": "probe [--url URL] [--timeout DURÉE]",
	"cli.probe.summary": "Interroge /readyz d'un nœud en service (ou l'adresse donnée par --url) et se termine avec le\n" +
		"code 0 s'il répond 200, 1 sinon, en affichant sa réponse : un contrôle de santé pour les\n" +
		"conteneurs dépourvus de curl.",
	"cli.probe.example": "supplyeval probe --url http://127.0.0.1:8080/readyz",

	"cli.token.synopsis": "token --name NOM --roles R1,R2 [--clearance PUBLIC|RESTRICTED|CONFIDENTIAL]",
	"cli.token.summary": "Crée un jeton d'accès, l'affiche une seule fois, puis affiche l'entrée qui l'autorise dans un\n" +
		"fichier --tokens (ce fichier ne conserve que l'empreinte SHA-256 du jeton).",
	"cli.token.example": "supplyeval token --name analyst-nl --roles ANALYST --clearance RESTRICTED",

	"cli.flag.data":                "répertoire de données",
	"cli.flag.log-level":           "niveau de journalisation : debug, info, warn, error",
	"cli.flag.log-format":          "format du journal : json ou console",
	"cli.flag.lang":                "langue de l'aide : en ou fr (par défaut : selon LC_ALL, LC_MESSAGES ou LANG, sinon l'anglais)",
	"cli.flag.period-range":        "années DÉBUT:FIN dans lesquelles doivent se situer les périodes enregistrées ; les observations en dehors sont refusées",
	"cli.flag.read-header-timeout": "délai accordé à un client pour envoyer les en-têtes d'une requête",
	"cli.flag.read-timeout":        "délai accordé à un client pour envoyer une requête entière, corps compris",
	"cli.flag.write-timeout":       "délai entre les en-têtes d'une requête et la fin de la réponse (plus que --read-timeout augmenté de 60 s de traitement)",
	"cli.flag.idle-timeout":        "durée pendant laquelle une connexion maintenue peut attendre la requête suivante",

	"cli.flag.serve.addr":             "adresse d'écoute (boucle locale uniquement sans --tokens)",
	"cli.flag.serve.tokens":           "fichier des utilisateurs autorisés et des empreintes de leurs jetons (voir supplyeval token)",
	"cli.flag.serve.rate":             "requêtes par seconde permises à chaque utilisateur (avec --tokens ; 0 : sans limite)",
	"cli.flag.serve.burst":            "requêtes qu'un utilisateur peut envoyer d'un coup au-delà de son débit",
	"cli.flag.serve.demo":             "charger d'abord le monde de démonstration si le répertoire de données est vide",
	"cli.flag.serve.store":            "stockage des événements : vide pour le stockage intégré dans --data, ou kurrentdb://hôte:2113?tls=true (esdb:// également)",
	"cli.flag.serve.bus":              "NATS JetStream, auquel transmettre le journal et d'où recevoir les lots d'observations : nats://hôte:4222[?prefix=P]",
	"cli.flag.serve.follow":           "fonctionner en réplique en lecture seule : du journal transmis par NATS JetStream (nats://hôte:4222[?prefix=P]), ou du journal conservé dans KurrentDB par son propre abonnement (kurrentdb://hôte:2113?tls=...)",
	"cli.flag.serve.min-free-mb":      "Mio que le stockage intégré garde libres sur son disque : en deçà, les écritures sont refusées (503) et les lectures se poursuivent",
	"cli.flag.serve.ingest-retry-for": "avec --bus : durée pendant laquelle un lot rencontrant une panne passagère (stockage indisponible) est retenté avant de passer sur le sujet de rejet",
	"cli.flag.serve.ready-lag":        "nombre d'événements de retard des modèles de lecture sur le journal au-delà duquel /readyz ne répond plus 200",
	"cli.flag.serve.reserve-mb":       "Mio de fichier de réserve que le stockage intégré restitue à un disque presque plein (0 : aucun)",

	"cli.flag.import.server":           "adresse d'un serveur en service (http://127.0.0.1:8080), au lieu de --data",
	"cli.flag.import.token":            "jeton d'accès pour --server (par défaut $SUPPLYEVAL_TOKEN)",
	"cli.flag.import.mapping":          "fichier de correspondance (JSON ou lignes clé=valeur)",
	"cli.flag.import.set":              "correspondance clé=valeur (répétable ; par exemple --set values.cigsale=CIGSALE)",
	"cli.flag.import.format":           "csv, sdmx, jsonl, geojson ou topojson (par défaut : d'après le nom et l'en-tête du fichier)",
	"cli.flag.import.simplify":         "fichiers de limites : tolérance de simplification en degrés (0 : aucune ; environ 500 m par défaut)",
	"cli.flag.import.boundary-id":      "fichiers de limites : propriété portant le code de la région (par défaut NUTS_ID, puis l'identifiant de l'entité, puis id)",
	"cli.flag.import.indicator":        "code de l'indicateur de toutes les lignes",
	"cli.flag.import.indicator-column": "colonne portant l'indicateur de chaque ligne",
	"cli.flag.import.region":           "colonne portant la région",
	"cli.flag.import.region-code":      "code de la région de toutes les lignes",
	"cli.flag.import.period":           "colonne portant la période (l'année lorsque --month est donné)",
	"cli.flag.import.month":            "colonne portant le numéro du mois (avec --period pour l'année)",
	"cli.flag.import.value":            "colonne portant la valeur",
	"cli.flag.import.wide":             "expression régulière désignant les colonnes de périodes d'un tableau en largeur",
	"cli.flag.import.source":           "source enregistrée avec les observations (par défaut : le nom du fichier)",
	"cli.flag.import.skip-invalid":     "enregistrer les lignes valides et écrire les lignes refusées dans FICHIER.rejects.csv",

	"cli.flag.report.cycle":  "identifiant du cycle d'évaluation",
	"cli.flag.report.format": "html, markdown ou json",
	"cli.flag.report.lang":   "langue de l'aide et du texte HTML et Markdown du rapport : en ou fr",
	"cli.flag.report.o":      "écrire le rapport dans FICHIER plutôt que sur la sortie standard",

	"cli.flag.ingest-replay.bus":     "l'adresse NATS que désigne --bus sur le serveur principal (obligatoire)",
	"cli.flag.ingest-replay.dry-run": "se borner à compter les lots mis de côté",
	"cli.flag.probe.url":             "adresse de contrôle d'un nœud en service : /readyz, ou /livez",
	"cli.flag.probe.timeout":         "délai d'attente de la réponse",
	"cli.flag.token.name":            "nom de l'utilisateur (enregistré dans chaque événement qu'il provoque)",
	"cli.flag.token.roles":           "rôles séparés par des virgules : RECORDER, ANALYST, STRATEGY, EVALUATOR, ADMIN, PUBLIC",
	"cli.flag.token.clearance":       "niveau d'habilitation : PUBLIC, RESTRICTED ou CONFIDENTIAL",
}
