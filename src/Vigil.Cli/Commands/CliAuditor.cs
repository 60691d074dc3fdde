using System.Text;
using System.Text.Json;
using Vigil.Storage;

namespace Vigil.Cli.Commands;

/// <summary>
/// Puts what a command that changes the store did into the store's audit log: the one hash-chained
/// log the service writes its requests to, appended through the same
/// <see cref="IAuditLog.AppendAuditAsync(IReadOnlyList{AuditRecord}, CancellationToken)"/>, so CLI
/// and HTTP entries extend one chain that <c>vigil audit verify</c> checks. An entry has the
/// service's shape: the actor (<c>cli:USER@HOST</c>, where the service names the key), the action
/// (<c>bank.create</c>, <c>apikey.revoke</c>, ...), the subject (a bank, a key's name; never a
/// secret) and details <c>{"status": EXIT_CODE, "outcome": {...}}</c>, or for a command that failed
/// <c>{"status": 1, "error": "...", "outcome": {what it had done}}</c>.
/// </summary>
/// <remarks>
/// The entry is written after the command's work, with its result: a failure is recorded too (then
/// the error is raised as before), and so is a cancelled command with what it had committed. A
/// command whose work was done but whose entry could not be written fails, saying so. A process
/// killed outright writes nothing.
/// </remarks>
internal static class CliAuditor
{
    /// <summary>The prefix of every CLI actor (key names may not start with it, see <see cref="ApiKeySecrets.ValidateName"/>).</summary>
    public const string ActorPrefix = ApiKeySecrets.CliActorPrefix;

    // The audit log's limits (AuditChain.ValidateFields): actor 200 characters, subject 1,000.
    private const int MaxActor = 200;
    private const int MaxSubject = 1_000;
    private const int MaxError = 1_000;

    /// <summary>Who runs this process: <c>cli:USER@HOST</c>, from the operating system.</summary>
    public static string Actor { get; } = ActorFor(Environment.UserName, Environment.MachineName);

    /// <summary>The actor for a user on a host (control characters become <c>?</c>, an empty name <c>unknown</c>).</summary>
    internal static string ActorFor(string? user, string? host) =>
        Cut($"{ActorPrefix}{Clean(user)}@{Clean(host)}", MaxActor);

    /// <summary>
    /// Runs a command's work and records it: <paramref name="work"/> fills the outcome (counts, ids,
    /// settings; never secrets) as it goes and returns the exit code.
    /// </summary>
    /// <param name="store">The store the command changes; its audit log gets the entry.</param>
    /// <param name="action">What is done, e.g. <c>bank.import</c>.</param>
    /// <param name="subject">What it is done to, e.g. the bank's name.</param>
    /// <param name="work">The command's work.</param>
    /// <returns>The exit code <paramref name="work"/> returned.</returns>
    public static async Task<int> RunAsync(IVigilStore store, string action, string subject, Func<Dictionary<string, object?>, Task<int>> work)
    {
        ArgumentNullException.ThrowIfNull(store);
        var outcome = new Dictionary<string, object?>();
        int status;
        try
        {
            status = await work(outcome);
        }
        catch (Exception e)
        {
            var failed = new Dictionary<string, object?>
            {
                ["status"] = ExitCodes.Failure,
                ["error"] = e is OperationCanceledException ? "cancelled" : Cut(e.Message, MaxError),
            };
            if (outcome.Count > 0)
                failed["outcome"] = outcome;
            try
            {
                await AppendAsync(store, action, subject, failed);
            }
            catch (Exception auditError)
            {
                throw new StoreException($"{e.Message}; its audit entry could not be written either: {auditError.Message}", e);
            }
            throw;
        }
        var done = new Dictionary<string, object?> { ["status"] = status };
        if (outcome.Count > 0)
            done["outcome"] = outcome;
        try
        {
            await AppendAsync(store, action, subject, done);
        }
        catch (Exception auditError)
        {
            throw new StoreException($"{action} {subject} was done, but its audit entry could not be written: {auditError.Message}", auditError);
        }
        return status;
    }

    // Never cancelled: a command stopped by Ctrl-C still records what it did.
    private static Task AppendAsync(IVigilStore store, string action, string subject, Dictionary<string, object?> detail) =>
        store.AppendAuditAsync([new AuditRecord(Actor, action, Cut(subject, MaxSubject), JsonSerializer.Serialize(detail))], CancellationToken.None);

    private static string Clean(string? name)
    {
        if (string.IsNullOrWhiteSpace(name))
            return "unknown";
        var clean = new StringBuilder(name.Length);
        foreach (char c in name.Trim())
            clean.Append(char.IsControl(c) || char.IsSurrogate(c) ? '?' : c);
        return clean.ToString();
    }

    private static string Cut(string value, int max) => value.Length <= max
        ? value
        : string.Concat(value.AsSpan(0, char.IsHighSurrogate(value[max - 2]) ? max - 2 : max - 1), "…");
}
