using System.CommandLine;
using Vigil.Media;
using Vigil.Server;
using Vigil.Storage;

namespace Vigil.Cli.Commands;

/// <summary><c>vigil serve</c>: the HMA-compatible service over the SQLite store, or PostgreSQL for replicas.</summary>
internal static class ServeCommand
{
    private const long MiB = 1024 * 1024;

    public static Command Create(TextWriter output, TextWriter error)
    {
        var urls = new Option<string>("--urls") { Description = "Addresses to listen on", DefaultValueFactory = _ => new ServerSettings().Urls };
        var maxUploadMb = new Option<int>("--max-upload-mb")
        {
            Description = "Largest media file (MiB) that POST /h/hash, POST /m/lookup and POST /c/bank/NAME/content accept and GET /h/hash?url= downloads; larger ones get 413",
            DefaultValueFactory = _ => (int)(new ServerSettings().MaxUploadBytes / MiB),
            Validators =
            {
                r =>
                {
                    if (r.Tokens.Count == 1 && int.TryParse(r.Tokens[0].Value, out int mb) && (mb < 1 || mb > MediaEndpoints.MaxUploadLimit / MiB))
                        r.AddError($"--max-upload-mb must be 1..{MediaEndpoints.MaxUploadLimit / MiB}, not {mb}");
                },
            },
        };
        var allowHashUrl = new Option<string[]>("--allow-hash-url")
        {
            Description = "Let GET /h/hash?url= fetch URLs under this prefix (scheme://host[:port][/path], http or https; repeatable). Default: fetching URLs is off",
            AllowMultipleArgumentsPerToken = false,
            Validators =
            {
                r =>
                {
                    foreach (var token in r.Tokens)
                    {
                        if (!HashUrlAllowList.TryValidateEntry(token.Value, out string? why))
                            r.AddError($"--allow-hash-url {token.Value}: {why}");
                    }
                },
            },
        };
        var videoTimeout = new Option<int>("--video-timeout")
        {
            Description = "Longest time (seconds) hashing one uploaded or fetched video may take, waiting for a free decoder included; 504 beyond it",
            DefaultValueFactory = _ => (int)new ServerSettings().VideoHashTimeout.TotalSeconds,
            HelpName = "SECONDS",
            Validators =
            {
                r =>
                {
                    if (r.Tokens.Count == 1 && int.TryParse(r.Tokens[0].Value, out int seconds) && seconds is < 1 or > 86_400)
                        r.AddError($"--video-timeout must be 1..86400 seconds, not {seconds}");
                },
            },
        };
        var psi = new Option<string?>("--psi")
        {
            Description = "Process private-matching vouchers (POST /v1/vouchers) against the list in DIR, as 'vigil psi publish --out DIR' wrote it (server.key, pdata.bin, signed manifest.json). Default: off",
            HelpName = "DIR",
        };
        var compat = CommonOptions.Compat();
        var command = new Command("serve", "Run the service: HMA's API (GET /status, GET /m/lookup, POST /h/hash, GET /c/banks, ...) with API keys ('vigil apikey create'); Ctrl-C stops it gracefully")
        {
            urls, maxUploadMb, videoTimeout, allowHashUrl, psi, compat,
        };
        command.SetAction(async (parse, ct) =>
        {
            // The published list first: a server that was asked to process vouchers must not start without it.
            PsiList? list = null;
            if (parse.GetValue(psi) is { } psiDirectory)
            {
                try
                {
                    list = PsiList.Load(psiDirectory);
                }
                catch (Exception e) when (e is InvalidDataException or IOException or UnauthorizedAccessException)
                {
                    error.WriteLine($"error: --psi {psiDirectory}: {e.Message}");
                    return ExitCodes.Failure;
                }
            }
            try
            {
                ImageDecoder.EnsureNativeLibraries(includeLibVips: false);
            }
            catch (DllNotFoundException e)
            {
                error.WriteLine($"warning: {e.Message}; the media endpoints (POST /h/hash, POST /m/lookup, POST /c/bank/NAME/content) will answer 503");
            }
            // The global --db or --postgres (recursive, so 'vigil serve --postgres CONN' works): replicas share one PostgreSQL database.
            IVigilStore store = await StoreOption.OpenAsync(parse, ct);
            await using (store)
            {
                var app = VigilServer.Build(store, new ServerSettings
                {
                    Urls = parse.GetValue(urls)!,
                    MaxUploadBytes = parse.GetValue(maxUploadMb) * MiB,
                    VideoHashTimeout = TimeSpan.FromSeconds(parse.GetValue(videoTimeout)),
                    HashUrlAllowList = parse.GetValue(allowHashUrl) ?? [],
                    PrivateMatching = list,
                    Compat = CommonOptions.CompatOf(parse, compat),
                });
                error.WriteLine($"vigil: serving {store.Location} on {parse.GetValue(urls)} (Ctrl-C to stop)");
                if (list is not null)
                {
                    error.WriteLine($"vigil: private matching on: list version {list.ListVersion}, threshold {list.Threshold}, {list.Manifest.Entries:N0} entries from {string.Join(", ", list.Banks)} ({list.Location}); POST /v1/vouchers takes {list.VoucherSize:N0}-byte vouchers");
                }
                if (parse.GetValue(allowHashUrl) is { Length: > 0 } allowed)
                    error.WriteLine($"vigil: GET /h/hash?url= may fetch under {string.Join(", ", allowed)}");
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
