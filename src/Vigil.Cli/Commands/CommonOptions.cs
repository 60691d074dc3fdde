using System.CommandLine;
using Vigil.Media;

namespace Vigil.Cli.Commands;

/// <summary>Options shared by the commands that decode images.</summary>
internal static class CommonOptions
{
    public static Option<int> Threads() => new("--threads", "-j")
    {
        Description = "Worker threads (default: all cores)",
        DefaultValueFactory = _ => Environment.ProcessorCount,
        Validators = { r => { if (r.Tokens.Count == 1 && int.TryParse(r.Tokens[0].Value, out int n) && n < 1) r.AddError("--threads must be at least 1"); } },
    };

    public static Option<bool> AutoOrient() => new("--auto-orient")
    {
        Description = "Apply the EXIF orientation before hashing (the exchanges do not, so it is off by default)",
    };

    public static Option<double> MaxMegapixels() => new("--max-megapixels")
    {
        Description = "Refuse images larger than this (decompression-bomb guard)",
        DefaultValueFactory = _ => 100,
        Validators = { r => { if (r.Tokens.Count == 1 && double.TryParse(r.Tokens[0].Value, System.Globalization.CultureInfo.InvariantCulture, out double n) && n <= 0) r.AddError("--max-megapixels must be positive"); } },
    };

    public static Option<string> Compat()
    {
        var compat = new Option<string>("--compat")
        {
            Description = "Whose PDQ to reproduce: reference (default; the reference pipeline, every image converted to RGB) or pytx "
                + "(python-threatexchange, what HMA hashes with: palette PNGs and GIFs hashed as their palette indices, CMYK JPEGs as their C, M, Y values, "
                + "1-bit and 16-bit grey images unscaled), so hashes equal a pytx-built bank's",
            DefaultValueFactory = _ => "reference",
        };
        compat.AcceptOnlyFromAmong("reference", "pytx");
        return compat;
    }

    public static DecodeCompat CompatOf(ParseResult parse, Option<string> compat) =>
        parse.GetValue(compat) == "pytx" ? DecodeCompat.Pytx : DecodeCompat.Reference;

    public static Argument<string[]> Paths() => new("PATH")
    {
        Description = "Image files or directories (recursed, in sorted order)",
        Arity = ArgumentArity.OneOrMore,
        Validators =
        {
            r =>
            {
                // An unknown option would otherwise be taken for a path; "--" still allows a file named "-x".
                foreach (var token in r.Tokens)
                    if (token.Value.Length > 1 && token.Value[0] == '-' && !Path.Exists(token.Value))
                        r.AddError($"unrecognised option '{token.Value}'");
            },
        },
    };

    public static DecodeOptions DecodeOptions(ParseResult parse, Option<bool> autoOrient, Option<double> maxMegapixels, Option<string> compat) => new()
    {
        AutoOrient = parse.GetValue(autoOrient),
        MaxPixels = (long)(parse.GetValue(maxMegapixels) * 1_000_000),
        Compat = CompatOf(parse, compat),
    };

    /// <summary>Checks the native libraries once, up front, so a missing package is one clear message.</summary>
    public static bool NativeLibrariesReady(TextWriter error)
    {
        try
        {
            // libvips loads on first use; JPEG-only runs never pay for it.
            ImageDecoder.EnsureNativeLibraries(includeLibVips: false);
            return true;
        }
        catch (Exception e)
        {
            error.WriteLine("error: " + e.Message);
            return false;
        }
    }
}
