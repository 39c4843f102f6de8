from distutils.core import setup

setup(name="vcfkit", version="0.9.2", packages=["vcfkit"])
