using System.CommandLine;
using Vigil.Cli.Hashing;

namespace Vigil.Cli.Commands;

/// <summary><c>vigil hash</c>: print the PDQ (or MD5/SHA-256) of files, in input order.</summary>
internal static class HashCommand
{
    public static Command Create(TextWriter output, TextWriter error)
    {
        var algorithm = new Option<string>("--algorithm", "-a")
        {
            Description = "Hash to compute",
            DefaultValueFactory = _ => "pdq",
        };
        algorithm.AcceptOnlyFromAmong("pdq", "md5", "sha256");
        var dihedral = new Option<bool>("--dihedral") { Description = "Also print the seven rotated/flipped PDQ hashes" };
        var format = new Option<string>("--format", "-f") { Description = "Output format", DefaultValueFactory = _ => "text" };
        format.AcceptOnlyFromAmong("text", "csv", "json");
        var threads = CommonOptions.Threads();
        var autoOrient = CommonOptions.AutoOrient();
        var maxMegapixels = CommonOptions.MaxMegapixels();
        var paths = CommonOptions.Paths();

        var command = new Command("hash", "Hash images (PDQ) or any files (MD5, SHA-256); one line per file, in input order")
        {
            algorithm, dihedral, format, threads, autoOrient, maxMegapixels, paths,
        };
        command.Validators.Add(r =>
        {
            if (r.GetValue(dihedral) && r.GetValue(algorithm) is "md5" or "sha256")
                r.AddError("--dihedral applies to --algorithm pdq only");
        });
        command.SetAction(parse =>
        {
            var kind = parse.GetValue(algorithm) switch
            {
                "md5" => HashAlgorithmKind.Md5,
                "sha256" => HashAlgorithmKind.Sha256,
                _ => HashAlgorithmKind.Pdq,
            };
            var outputFormat = parse.GetValue(format) switch
            {
                "csv" => HashOutputFormat.Csv,
                "json" => HashOutputFormat.Json,
                _ => HashOutputFormat.Text,
            };
            bool withDihedral = parse.GetValue(dihedral);
            if (kind == HashAlgorithmKind.Pdq && !CommonOptions.NativeLibrariesReady(error))
                return ExitCodes.Failure;
            var decodeOptions = CommonOptions.DecodeOptions(parse, autoOrient, maxMegapixels);
            var inputs = InputFiles.Expand(parse.GetValue(paths)!, imagesOnly: kind == HashAlgorithmKind.Pdq, warnings: error);

            var writer = new HashOutputWriter(output, outputFormat, kind, withDihedral);
            writer.WriteHeader();
            int failures = 0;
            OrderedParallelHasher.Run(inputs, parse.GetValue(threads),
                () => new FileHasher(kind, withDihedral, decodeOptions),
                record =>
                {
                    if (record.Error is not null)
                    {
                        failures++;
                        output.Flush();
                        error.WriteLine($"error: {record.Path}: {record.Error}");
                        return;
                    }
                    writer.Write(record);
                });
            output.Flush();
            return failures == 0 ? ExitCodes.Success : ExitCodes.Failure;
        });
        return command;
    }
}
