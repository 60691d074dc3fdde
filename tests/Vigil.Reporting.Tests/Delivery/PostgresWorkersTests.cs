using Vigil.Reporting.Delivery;
using Vigil.Storage;
using Vigil.Storage.Postgres;
using Vigil.Storage.Tests;

namespace Vigil.Reporting.Tests.Delivery;

/// <summary>Two replicas' workers on one PostgreSQL database take reports with FOR UPDATE SKIP LOCKED: 200 cases, each filed once.</summary>
public sealed class PostgresWorkersTests : IAsyncLifetime
{
    private PostgresServer? _server;
    private string? _database;

    public async Task InitializeAsync()
    {
        _server = await PostgresServer.GetAsync();
        _database = await _server.CreateDatabaseAsync();
    }

    public async Task DisposeAsync()
    {
        if (_server is not null && _database is not null)
            await _server.DropDatabaseAsync(_database);
    }

    [Fact]
    public async Task Two_workers_over_200_reports_file_each_exactly_once()
    {
        const int Cases = 200;
        string connection = _server!.ConnectionString(_database!);
        await using var h = await OutboxHarness.StartAsync(await PostgresVigilStore.OpenAsync(connection));
        await using var replica = await PostgresVigilStore.OpenAsync(connection);
        var cases = new List<long>();
        for (int i = 0; i < Cases; i++)
            cases.Add(await h.DecidedCaseAsync($"user-pg-{i}", OutboxHarness.Photos[i % OutboxHarness.Photos.Length]));

        using var clientA = h.Client();
        using var clientB = h.Client();
        var options = new ReportWorkerOptions { PollInterval = TimeSpan.FromMilliseconds(20), Parallelism = 4 };
        var a = new ReportWorker(h.Store, h.Delivery(clientA), clientA, options, h.Clock);
        var b = new ReportWorker(replica, h.DeliveryOver(replica, clientB), clientB, options, h.Clock);
        using var stop = new CancellationTokenSource(TimeSpan.FromMinutes(3));
        var runs = new[] { a.RunAsync(stop.Token), b.RunAsync(stop.Token) };
        while (a.Filed + b.Filed < Cases)
        {
            Assert.False(stop.IsCancellationRequested, $"only {a.Filed + b.Filed} of {Cases} filed in time");
            Assert.DoesNotContain(runs, r => r.IsFaulted);
            await Task.Delay(50);
        }
        await stop.CancelAsync();
        await Task.WhenAll(runs);

        Assert.Equal(Cases, a.Filed + b.Filed);
        Assert.True(a.Filed > 0 && b.Filed > 0, $"both workers took reports (a {a.Filed}, b {b.Filed})");
        Assert.Equal(Cases, h.Fake.RequestCount("submit"));
        Assert.Equal(Cases, h.Fake.RequestCount("finish"));
        foreach (long id in cases)
        {
            var filed = Assert.Single(h.Finished(id));
            Assert.Single(filed.Files);
            Assert.Equal(CaseStatus.Reported, (await h.Store.Cases.GetCaseAsync(id))!.Case.Status);
        }
        var counts = await h.Store.Reports.CountReportsAsync();
        Assert.Equal(Cases, counts[ReportState.Finished]);
        Assert.Single(counts);
    }
}
