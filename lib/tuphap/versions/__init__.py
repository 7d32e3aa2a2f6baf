"""What happens to a final copy after it is built: kept as a numbered, read-only version (store.py), signed
as PAdES without changing a byte of it (signing.py), its signatures verified (verifying.py), and two
versions compared by their figures, sentences and acknowledgements (compare.py)."""
import warnings

# pyHanko imports cryptography's DSA key type, which cryptography now warns about at import; nothing here
# signs with DSA, and an officer signing a report should not read a developer's deprecation notice.
warnings.filterwarnings("ignore", message="DSA is deprecated", module=r"pyhanko\.")
