using System.CommandLine;
using Vigil.Banks;
using Vigil.Cli.Banks;
using Vigil.Cli.Hashing;
using Vigil.Hashing.Pdq;
using Vigil.Media;

namespace Vigil.Cli.Commands;

/// <summary><c>vigil match</c>: match images or PDQ hashes against the banks.</summary>
internal static class MatchCommand
{
    public static Command Create(TextWriter output, TextWriter error)
    {
        var options = new MatchOptions();
        var hashes = new Option<string[]>("--hash")
        {
            Description = "Match this PDQ hash (64 hex digits; repeatable) instead of files",
            Validators =
            {
                r =>
                {
                    foreach (var token in r.Tokens)
                        if (!PdqHash.TryParse(token.Value, out _, out var why))
                            r.AddError($"--hash {token.Value}: {why}");
                },
            },
        };
        var format = new Option<string>("--format", "-f") { Description = "text, csv (query,pdq,bank,content_id,distance,label) or json (one object per query per line)", DefaultValueFactory = _ => "text" };
        format.AcceptOnlyFromAmong("text", "csv", "json");
        var threads = CommonOptions.Threads();
        var paths = CommonOptions.Paths();
        paths.Arity = ArgumentArity.ZeroOrMore;
        var command = new Command("match", "Match images (or PDQ hashes given with --hash) against the banks; one line per match")
        {
            hashes, format, threads, paths,
        };
        options.AddTo(command);
        command.Validators.Add(r =>
        {
            bool anyPath = (r.GetValue(paths)?.Length ?? 0) > 0, anyHash = (r.GetValue(hashes)?.Length ?? 0) > 0;
            if (anyPath == anyHash)
                r.AddError("give image files or --hash HEX, one or the other");
            if (anyHash && r.GetValue(options.Dihedral))
                r.AddError("--dihedral needs image files: the rotated hashes come from the image, not from its hash");
        });
        command.SetAction(async (parse, ct) =>
        {
            string[] files = parse.GetValue(paths) ?? [];
            if (files.Length > 0 && !CommonOptions.NativeLibrariesReady(error))
                return ExitCodes.Failure;
            await using var store = await StoreOption.OpenAsync(parse, ct);
            var (banks, dihedral, maxDistance, minQuality) = options.Read(parse);
            var matcher = await BankMatcher.LoadAsync(store, banks, error, ct);
            var writer = new MatchOutputWriter(output, parse.GetValue(format)!, dihedral, minQuality);
            writer.WriteHeader();
            if (matcher.HashCount == 0)
                error.WriteLine($"warning: the banks in {store.Location} hold no PDQ hashes: only exact MD5 matches are possible");

            int failures = 0;
            foreach (string hex in parse.GetValue(hashes) ?? [])
            {
                var hash = PdqHash.Parse(hex);
                var outcome = await matcher.MatchAsync([hash], maxDistance, md5: null, ct);
                writer.Write(new QueryResult(hex, hash, null, MatchOptions.StatusOf(outcome), outcome));
            }
            if (files.Length > 0)
            {
                var inputs = InputFiles.Expand(files, imagesOnly: true, warnings: error);
                var records = new List<HashRecord>();
                OrderedParallelHasher.Run(inputs, parse.GetValue(threads),
                    () => new FileHasher(HashAlgorithmKind.Pdq, dihedral, DecodeOptions.Default),
                    records.Add);
                foreach (var record in records)
                {
                    var result = await MatchOptions.EvaluateAsync(record, matcher, dihedral, maxDistance, minQuality, ct);
                    if (result.Status == QueryStatus.Failed)
                    {
                        failures++;
                        output.Flush();
                        error.WriteLine($"error: {record.Path}: {record.Error}");
                        if (parse.GetValue(format) != "json")
                            continue;
                    }
                    writer.Write(result);
                }
            }
            output.Flush();
            return failures == 0 ? ExitCodes.Success : ExitCodes.Failure;
        });
        return command;
    }
}
