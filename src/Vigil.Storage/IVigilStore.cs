namespace Vigil.Storage;

/// <summary>
/// Vigil's whole store: banks, their content and signals, imports, the change sequence replicas
/// follow, the audit log, API keys, private matching and review cases, the action outbox, and the index snapshot.
/// Each concern has an interface of its own; a component that needs only some of them should ask
/// for those. <see cref="Sqlite.SqliteVigilStore"/> is the embedded implementation and
/// <see cref="Postgres.PostgresVigilStore"/> the shared one, with the same schema and behaviour.
/// </summary>
/// <remarks>
/// Errors the user can act on are <see cref="StoreException"/>s (<see cref="BankNotFoundException"/>
/// for an unknown bank name); invalid arguments are <see cref="ArgumentException"/>s. An instance is
/// safe to use from several threads at once.
/// </remarks>
public interface IVigilStore : IBankStore, IContentStore, IImportStore, IChangeFeed, IAuditLog, IApiKeyStore,
    IPrivateMatchingStore, IActionOutboxStore, IAsyncDisposable
{
    /// <summary>A description of where the data lives (a file path, a server), for messages.</summary>
    string Location { get; }

    /// <summary>Where the store keeps the latest snapshot of the matching index built over it (see <see cref="IIndexSnapshotStore"/>).</summary>
    IIndexSnapshotStore IndexSnapshots { get; }

    /// <summary>Review cases: items from every source, the leased queue, decisions, sealed media, reviewers' exposure (see <see cref="ICaseStore"/>).</summary>
    ICaseStore Cases { get; }

    /// <summary>The report outbox: one report per case decided report, each step saved before the next (see <see cref="IReportOutboxStore"/>).</summary>
    IReportOutboxStore Reports { get; }

    /// <summary>Hash exchanges: their configuration, checkpoints and fetch results (see <see cref="IExchangeStore"/>).</summary>
    IExchangeStore Exchanges { get; }

    /// <summary>The exchange feedback queue: review decisions on exchange entries, waiting to be sent back (see <see cref="IExchangeFeedbackStore"/>).</summary>
    IExchangeFeedbackStore ExchangeFeedback { get; }

    /// <summary>Conversations sent for risk scoring: their messages and the review item each opened (see <see cref="IConversationStore"/>).</summary>
    IConversationStore Conversations { get; }
}
