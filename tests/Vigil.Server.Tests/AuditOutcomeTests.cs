using System.Net;
using System.Reflection;
using Vigil.Storage;
using Vigil.Storage.Sqlite;

namespace Vigil.Server.Tests;

/// <summary>
/// Every authenticated request's outcome is in the audit log, including those that end in 500, and a
/// change is answered only once its entry is committed.
/// </summary>
public sealed class AuditOutcomeTests : LiveServerTest
{
    private const string Exploding = "EXPLODES";

    protected override IVigilStore ServedStore(SqliteVigilStore store) => FailingStore.Wrap(store, Exploding);

    [Fact]
    public async Task A_request_that_fails_with_500_is_audited_with_its_status()
    {
        string curator = await KeyAsync(ApiKeyRole.Curator);
        using var response = await SendAsync(HttpMethod.Post, "/c/banks?attempt=explode", curator, $$"""{"name":"{{Exploding}}"}""");
        Assert.Equal(HttpStatusCode.InternalServerError, response.StatusCode);

        // A change is audited before it is answered: no waiting for the batch writer.
        var entry = Assert.Single(await AuditAsync(), e => e.Subject == "/c/banks?attempt=explode");
        Assert.Equal("POST /c/banks", entry.Action);
        Assert.Contains("\"status\":500", entry.DetailJson);
    }

    [Fact]
    public async Task A_change_is_in_the_log_when_its_answer_arrives()
    {
        string curator = await KeyAsync(ApiKeyRole.Curator);
        for (int i = 0; i < 20; i++)
        {
            using var created = await SendAsync(HttpMethod.Post, $"/c/banks?n={i}", curator, $$"""{"name":"BANK_{{i}}"}""");
            Assert.True(created.IsSuccessStatusCode, $"{created.StatusCode}");
            // Read at once, with nothing in between: the entry must already be committed.
            var entries = await AuditAsync();
            var entry = Assert.Single(entries, e => e.Subject == $"/c/banks?n={i}");
            Assert.Contains($"\"status\":{(int)created.StatusCode}", entry.DetailJson);
            Assert.Null(AuditChain.Verify(entries));
        }
    }

    private async Task<List<AuditEntry>> AuditAsync()
    {
        var all = new List<AuditEntry>();
        await foreach (var entry in Store.ReadAuditAsync())
            all.Add(entry);
        return all;
    }

    /// <summary>A store that throws on creating one bank name, as a disk or driver fault would.</summary>
    public class FailingStore : DispatchProxy
    {
        private IVigilStore _inner = null!;
        private string _name = null!;

        public static IVigilStore Wrap(IVigilStore inner, string failingBankName)
        {
            var proxy = Create<IVigilStore, FailingStore>();
            var self = (FailingStore)(object)proxy;
            self._inner = inner;
            self._name = failingBankName;
            return proxy;
        }

        protected override object? Invoke(MethodInfo? method, object?[]? args)
        {
            if (method!.Name == nameof(IVigilStore.CreateBankAsync) && args![0] is NewBank bank && bank.Name == _name)
                throw new IOException("simulated disk fault");
            try
            {
                return method.Invoke(_inner, args);
            }
            catch (TargetInvocationException e) when (e.InnerException is not null)
            {
                System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(e.InnerException);
                throw;
            }
        }
    }
}
