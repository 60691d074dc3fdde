namespace Vigil.Storage.Schema;

/// <summary>
/// The whole schema: every concern's ordered steps, put together into one numbered list per engine.
/// A new step is added to its concern's list with the next number and named here; the parts of one
/// number from several concerns run in the order of <see cref="Concerns"/>, in one transaction.
/// </summary>
internal static class VigilSchema
{
    /// <summary>The concerns' steps, in the order their parts of one version run.</summary>
    private static readonly IReadOnlyList<SchemaStep>[] Concerns =
    [
        ContentSchema.Steps,
        ApiKeySchema.Steps,
        AuditSchema.Steps,
        SnapshotSchema.Steps,
        PrivateMatchingSchema.Steps,
        ReviewSchema.Steps,
        ActionSchema.Steps,
        ReportSchema.Steps,
        ExchangeSchema.Steps,
        ExchangeFeedbackSchema.Steps,
        ConversationSchema.Steps,
    ];

    /// <summary>What each version is recorded as in <c>schema_migrations</c>, on SQLite and on PostgreSQL.</summary>
    private static readonly (string Sqlite, string Postgres)[] Names =
    [
        ("banks, content, signals and the change log", "banks, content, signals and the change log"),
        ("api keys", "api keys"),
        ("audit log", "audit log"),
        ("index snapshots", "change log committed in order; index snapshots"),
        ("private matching: device keys, accounts, vouchers, review cases", "private matching: device keys, accounts, vouchers, review cases"),
        ("api key expiry", "api key expiry"),
        ("review and actions", "review and actions"),
        ("report outbox", "report outbox"),
        ("hash exchanges", "hash exchanges"),
        ("exchange feedback", "exchange feedback"),
        ("sharing to exchanges", "sharing to exchanges"),
        ("classifier scores", "classifier scores"),
        ("conversations", "conversations"),
        ("item incident kind and public availability", "item incident kind and public availability"),
        ("sealed conversation messages", "sealed conversation messages"),
    ];

    /// <summary>SQLite's numbered steps.</summary>
    public static IReadOnlyList<T> ForSqlite<T>(Func<int, string, string, T> make) =>
        Assemble(step => step.Sqlite, version => Names[version - 1].Sqlite, make);

    /// <summary>PostgreSQL's numbered steps.</summary>
    public static IReadOnlyList<T> ForPostgres<T>(Func<int, string, string, T> make) =>
        Assemble(step => step.Postgres, version => Names[version - 1].Postgres, make);

    private static List<T> Assemble<T>(Func<SchemaStep, string?> sqlOf, Func<int, string> nameOf, Func<int, string, string, T> make)
    {
        var steps = new List<T>(Names.Length);
        for (int version = 1; version <= Names.Length; version++)
        {
            var parts = new List<string>();
            foreach (var concern in Concerns)
            {
                foreach (var step in concern)
                {
                    if (step.Version == version && sqlOf(step) is { } sql)
                        parts.Add(sql);
                }
            }
            if (parts.Count == 0)
                throw new InvalidOperationException($"schema step {version} has no statements");
            steps.Add(make(version, nameOf(version), string.Join("\n\n", parts)));
        }
        return steps;
    }
}
