using System.CommandLine;
using Vigil.Server;
using Vigil.Storage;
using Vigil.Storage.Postgres;

namespace Vigil.Cli.Commands;

/// <summary><c>vigil serve</c>: the HMA-compatible service over the SQLite store, or PostgreSQL for replicas.</summary>
internal static class ServeCommand
{
    public static Command Create(TextWriter output, TextWriter error)
    {
        var urls = new Option<string>("--urls") { Description = "Addresses to listen on", DefaultValueFactory = _ => new ServerSettings().Urls };
        var postgres = new Option<string?>("--postgres") { Description = "PostgreSQL connection string (replicas share one database); default: the SQLite store (--db)" };
        var command = new Command("serve", "Run the service: HMA's API (GET /status, GET /m/lookup, GET /c/banks, ...) with API keys ('vigil apikey create'); Ctrl-C stops it gracefully")
        {
            urls, postgres,
        };
        command.SetAction(async (parse, ct) =>
        {
            IVigilStore store = parse.GetValue(postgres) is { } connection
                ? await PostgresVigilStore.OpenAsync(connection, ct)
                : await StoreOption.OpenAsync(parse, ct);
            await using (store)
            {
                var app = VigilServer.Build(store, new ServerSettings { Urls = parse.GetValue(urls)! });
                error.WriteLine($"vigil: serving {store.Location} on {parse.GetValue(urls)} (Ctrl-C to stop)");
                await app.StartAsync(ct);
                try
                {
                    await Task.Delay(Timeout.Infinite, ct);
                }
                catch (OperationCanceledException)
                {
                    error.WriteLine("vigil: stopping (finishing requests in flight)");
                }
                await app.StopAsync(CancellationToken.None);
                await app.DisposeAsync();
            }
            return ExitCodes.Success;
        });
        return command;
    }
}
