using System.Buffers.Binary;
using System.Globalization;
using System.Security.Cryptography;
using PeerSync.Remote.Addressing;

namespace PeerSync.Hosting.Node;

/// <summary>
/// Keeps the node's <see cref="DataEpoch"/> in `&lt;data-dir&gt;/data-epoch` (16 hex digits): drawn
/// at random when the data directory is first used, then read back at every start, so it changes
/// exactly when the data is wiped. The sync layer's record store will take this over (it keeps the
/// epoch with the data it describes); until then this file is the source.
/// </summary>
public static class DataEpochFile
{
    public const string FileName = "data-epoch";

    /// <summary>Reads the epoch of <paramref name="dataDirectory"/>, creating the directory and the file when missing.</summary>
    /// <exception cref="InvalidOperationException">The directory cannot be created, or the file is unreadable or corrupt; the message names the path and the fix.</exception>
    public static DataEpoch LoadOrCreate(string dataDirectory)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(dataDirectory);
        var path = Path.Combine(dataDirectory, FileName);
        try
        {
            Directory.CreateDirectory(dataDirectory);
            if (File.Exists(path))
            {
                return Read(path);
            }

            var temporary = path + "." + Environment.ProcessId.ToString(CultureInfo.InvariantCulture) + ".tmp";
            File.WriteAllText(temporary, NewEpoch() + Environment.NewLine);
            try
            {
                // A move is atomic: a crash leaves either no file (a new epoch next time, harmless
                // since nothing was stored under this one) or the whole value.
                File.Move(temporary, path, overwrite: false);
            }
            catch (IOException) when (File.Exists(path))
            {
                // Another process on the same directory won the race; its value counts.
                File.Delete(temporary);
            }

            return Read(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new InvalidOperationException($"peersync.node.data-dir '{dataDirectory}': cannot read or create {path}: {e.Message}", e);
        }
    }

    private static DataEpoch Read(string path)
    {
        var text = File.ReadAllText(path).Trim();
        try
        {
            return DataEpoch.Parse(text);
        }
        catch (FormatException e)
        {
            throw new InvalidOperationException(
                $"{path} is corrupt ('{text}'): {e.Message}; restore it from a backup of the data directory, or delete it to treat the data as new (peers then send everything again)",
                e);
        }
    }

    private static string NewEpoch()
    {
        Span<byte> bytes = stackalloc byte[8];
        ulong value;
        do
        {
            RandomNumberGenerator.Fill(bytes);
            value = BinaryPrimitives.ReadUInt64LittleEndian(bytes);
        }
        while (value == 0);
        return new DataEpoch(value).ToString();
    }
}
