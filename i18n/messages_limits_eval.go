package i18n

// Messages of the limits on computation (graphql/evalbudget.go): the
// budget of evaluation units per request, the bounds on evaluations
// running at once, the request's deadline, and the serve flags that set
// them.
func init() {
	register(map[string]string{
		"gql.err.eval.budget":    "the request would cost about %d evaluation units, over the budget of %d per request (each evaluation counts its weight, once per alias and per item of the lists it is inside: impact 10, power 50, a cycle's report 200); ask for fewer evaluations at once, or split the query",
		"gql.err.eval.timeout":   "the request took longer than its time limit (%s) and its evaluations were stopped; ask for fewer evaluations at once, or split the query",
		"gql.err.eval.principal": "%s already has %d requests with evaluations running and none ended within %s s; wait for them to end, then retry",
		"gql.err.eval.busy":      "the server is running as many requests with evaluations as it allows at once (%d) and none ended within %s s; retry shortly",

		"cli.flag.serve.eval-budget":        "evaluation units one request may ask for, estimated before it runs (an impact 10, a power analysis 50, a cycle's report 200; negative: no budget)",
		"cli.flag.serve.eval-per-principal": "requests with evaluations one principal may have running at once (negative: no bound)",
		"cli.flag.serve.eval-max":           "requests with evaluations the server runs at once (0: the number of CPUs; negative: no bound)",
		"cli.flag.serve.eval-wait":          "how long a request over --eval-per-principal or --eval-max waits for a slot before it is refused",
	}, map[string]string{
		"gql.err.eval.budget":    "la requête coûterait environ %d unités d'évaluation, au-delà du budget de %d par requête (chaque évaluation compte son poids, une fois par alias et par élément des listes qui la contiennent : impact 10, puissance 50, rapport d'un cycle 200) ; demandez moins d'évaluations à la fois, ou scindez la requête",
		"gql.err.eval.timeout":   "la requête a dépassé son temps limite (%s) et ses évaluations ont été arrêtées ; demandez moins d'évaluations à la fois, ou scindez la requête",
		"gql.err.eval.principal": "%s a déjà %d requêtes avec des évaluations en cours et aucune ne s'est terminée en %s s ; attendez leur fin, puis réessayez",
		"gql.err.eval.busy":      "le serveur exécute déjà autant de requêtes avec des évaluations qu'il en permet à la fois (%d) et aucune ne s'est terminée en %s s ; réessayez sous peu",

		"cli.flag.serve.eval-budget":        "unités d'évaluation qu'une requête peut demander, estimées avant son exécution (un impact 10, une analyse de puissance 50, le rapport d'un cycle 200 ; négatif : sans budget)",
		"cli.flag.serve.eval-per-principal": "requêtes avec des évaluations qu'un utilisateur peut avoir en cours à la fois (négatif : sans limite)",
		"cli.flag.serve.eval-max":           "requêtes avec des évaluations que le serveur exécute à la fois (0 : le nombre de processeurs ; négatif : sans limite)",
		"cli.flag.serve.eval-wait":          "durée pendant laquelle une requête au-delà de --eval-per-principal ou --eval-max attend une place avant d'être refusée",
	})
}
